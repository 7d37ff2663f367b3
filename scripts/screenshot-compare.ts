// Screenshots of the comparison's trade-off chart with its Pareto front, for the README:
//   npx tsx scripts/screenshot-compare.ts   (after npm run build)
// Writes media/screenshots/compare-pareto.png (dark) and test-results/screenshots/compare-pareto-light.png.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hostRunFromDisk } from '../src/extension/compare/runRow';
import { buildCompareView } from '../src/extension/compare/viewModel';
import { writeSweepStore } from '../test/webview/fixtures/sweepStore';
import { ROOT, startHarness } from '../test/webview/harness';

async function main(): Promise<void> {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-shot-'));
  const harness = await startHarness();
  try {
    const runs = writeSweepStore(store, { temperatures: [2, 4, 8], widths: [32, 64, 128], seeds: [1, 2, 3] });
    const view = buildCompareView(runs.map((r) => hostRunFromDisk(r.runDir)));
    for (const theme of ['dark', 'light'] as const) {
      const page = await harness.open('compare', { theme, width: 1000, height: 900 });
      await page.send({ type: 'compare/view', view });
      await page.page.waitForSelector('[data-chart="scatter"] g[data-point]');
      const card = await page.page.$('[data-card="scatter"]');
      if (!card) throw new Error('no trade-off chart');
      const out =
        theme === 'dark'
          ? path.join(ROOT, 'media', 'screenshots', 'compare-pareto.png')
          : path.join(ROOT, 'test-results', 'screenshots', 'compare-pareto-light.png');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await card.screenshot({ path: out });
      process.stdout.write(`${out} ${fs.statSync(out).size} bytes\n`);
      await page.page.close();
    }
  } finally {
    await harness.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
}

void main();
