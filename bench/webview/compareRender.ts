// How the comparison view copes with a large sweep: writes a run store of 1,000 runs (10
// temperatures × 10 widths × 10 seeds), builds the view model as the host does, opens the built
// bundle in headless Chromium and times the first render and live updates (one run changed, the
// groups recomputed, as while a sweep runs). Goals: first render under 300 ms, an update under 16 ms.
//   npx tsx -e "require('./bench/webview/compareRender').benchCompareRendering().then(console.log)"
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CompareNotification } from '../../src/protocol/webview';
import { hostRunFromDisk } from '../../src/extension/compare/runRow';
import { buildCompareView } from '../../src/extension/compare/viewModel';
import { writeSweepStore } from '../../test/webview/fixtures/sweepStore';
import { ROOT, startHarness } from '../../test/webview/harness';

const UPDATES = 20;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

export async function benchCompareRendering(): Promise<Record<string, number | boolean | string>> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview', 'compare.js')))
    throw new Error('dist/webview/compare.js is missing: run npm run build first');
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-bench-compare-'));
  const harness = await startHarness();
  try {
    const fixture = writeSweepStore(store, {
      temperatures: [1, 2, 3, 4, 5, 6, 8, 10, 15, 20],
      widths: [16, 24, 32, 48, 64, 96, 128, 192, 256, 512],
      seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      running: true,
    });
    const hostStart = performance.now();
    const hostRuns = fixture.map((r) => hostRunFromDisk(r.runDir));
    const view = buildCompareView(hostRuns);
    const hostMs = performance.now() - hostStart;
    const rebuildStart = performance.now();
    buildCompareView(hostRuns);
    const rebuildMs = performance.now() - rebuildStart;

    const page = await harness.open('compare', { theme: 'dark', width: 1400, height: 1000 });
    const renderOf = async (message: CompareNotification, expected: number) => {
      return page.page.evaluate(
        async ({ message, expected }) => {
          const w = window as unknown as { __kd: { send(m: unknown): void } };
          const t0 = performance.now();
          w.__kd.send(message);
          while (Number(document.body.dataset.renders ?? 0) < expected) await new Promise((r) => setTimeout(r, 0));
          // The frame that shows it: after the next paint.
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          return { scriptMs: Number(document.body.dataset.renderMs), toPaintMs: performance.now() - t0 };
        },
        { message, expected },
      );
    };
    const renders = await page.page.evaluate(() => Number(document.body.dataset.renders ?? 0));
    const first = await renderOf({ type: 'compare/view', view }, renders + 1);
    const running = view.runs.find((r) => r.status === 'running');
    if (!running) throw new Error('the benchmark store has no running run');
    const updates: { scriptMs: number; toPaintMs: number }[] = [];
    for (let i = 0; i < UPDATES; i++) {
      const changed = { ...running, progress: { stage: 'student', epoch: 1 + (i % 4), epochs: 4 } };
      updates.push(
        await renderOf(
          { type: 'compare/update', runs: [changed], groups: view.groups, configKeys: view.configKeys },
          renders + 2 + i,
        ),
      );
    }
    const rows = await page.page.$$eval('tr[data-row]', (r) => r.length);
    if (page.errors.length > 0) throw new Error(`the view reported errors: ${page.errors.join('; ')}`);
    const round = (x: number) => Number(x.toFixed(1));
    const firstRenderMs = round(first.toPaintMs);
    const updateMs = round(median(updates.map((u) => u.toPaintMs)));
    return {
      runs: view.runs.length,
      groups: view.groups.length,
      hostReadAndBuildMs: round(hostMs),
      hostRebuildMs: round(rebuildMs),
      firstRenderScriptMs: round(first.scriptMs),
      firstRenderMs,
      updateScriptMedianMs: round(median(updates.map((u) => u.scriptMs))),
      updateMedianMs: updateMs,
      updateMaxMs: round(Math.max(...updates.map((u) => u.toPaintMs))),
      tableRowsInDom: rows,
      firstRenderUnder300ms: firstRenderMs < 300,
      updateUnder16ms: updateMs < 16,
    };
  } finally {
    await harness.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
}
