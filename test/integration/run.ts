// Runs the integration suites inside a real VS Code: code-server (scripts/code-server/setup.sh)
// serving a copy of the fixture workspace, opened in headless Chromium with the extension loaded
// from this repository (extensionDevelopmentPath) and a bundled mocha entry as its tests. Two
// sessions: a trusted workspace (out/test/integration) and Restricted Mode
// (out/test/integration/restricted). Expects `npm run build` and `node scripts/build-tests.mjs`
// to have run. Writes the summed counts to KD_TEST_RESULTS (default test-results/integration.json).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import {
  openBrowser,
  requireFiles,
  ROOT,
  startCodeServer,
  stopSession,
  workbenchUrl,
  type Session,
} from './codeServer';

const RESULTS = process.env.KD_TEST_RESULTS || path.join(ROOT, 'test-results', 'integration.json');
const TIMEOUT_MS = Number(process.env.KD_IT_TIMEOUT_MS ?? 15 * 60_000);
const TESTS = path.join(ROOT, 'out', 'test', 'integration');

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface Phase {
  name: string;
  tests: string;
  restricted: boolean;
}

const PHASES: Phase[] = [
  { name: 'trusted workspace', tests: TESTS, restricted: false },
  { name: 'Restricted Mode', tests: path.join(TESTS, 'restricted'), restricted: true },
];

/** Runs one phase's suites in a fresh code-server; resolves to the extension host's exit code. */
async function runPhase(phase: Phase, results: string): Promise<number> {
  let session: Session | undefined;
  let code = 1;
  try {
    session = await startCodeServer({
      fixture: path.join(__dirname, 'fixtures', 'workspace'),
      restricted: phase.restricted,
      env: { KD_TEST_RESULTS: results },
    });
    const page = await openBrowser(session);
    const remote = (p: string) => `vscode-remote://${session?.host}${p}`;
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (status: number) => resolve(status));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      // The extension host's console arguments, format string first (mocha's reporter uses %s, %d).
      const text = format(...(Array.isArray(args) ? args : [args]));
      // The workbench's own complaints about the unreachable extension gallery are noise here.
      if (/open-vsx\.org|ENOTFOUND/.test(text)) return;
      (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
    });
    page.on('pageerror', (error) => process.stderr.write(`[workbench] ${error.message}\n`));
    await page.goto(
      workbenchUrl(session, [
        ['extensionDevelopmentPath', remote(ROOT)],
        ['extensionTestsPath', remote(path.join(phase.tests, 'index.js'))],
        ['skipWelcome', 'true'],
      ]),
      // On a shared, loaded machine the workbench can take well over the default 30 s to load.
      { timeout: 180_000 },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        process.stderr.write(`${phase.name}: the suites did not finish within ${TIMEOUT_MS / 1000} s\n`);
        resolve(124);
      }, TIMEOUT_MS);
    });
    code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (code !== 0)
      process.stderr.write(
        `${phase.name}: the extension host reported exit code ${code}; code-server log: ${session.serverLog}\n`,
      );
  } catch (error) {
    process.stderr.write(`${phase.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    code = 1;
  } finally {
    await stopSession(session, code !== 0 && process.env.KD_KEEP_FAILED === '1');
  }
  return code;
}

function readCounts(file: string): Counts | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Counts;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  requireFiles(
    [
      path.join(ROOT, 'dist', 'extension.js'),
      path.join(ROOT, 'dist', 'runner.js'),
      ...PHASES.map((p) => path.join(p.tests, 'index.js')),
    ],
    'run `npm run build && node scripts/build-tests.mjs` first',
  );
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-it-results-'));
  let worst = 0;
  for (const [i, phase] of PHASES.entries()) {
    process.stdout.write(`\n=== ${phase.name}\n`);
    const file = path.join(scratch, `${i}.json`);
    const code = await runPhase(phase, file);
    // A phase whose suites never reported counts as one failure.
    const counts = readCounts(file) ?? { passed: 0, failed: 1, skipped: 0 };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    if (code !== 0) worst = code;
  }
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(total) + '\n');
  process.stdout.write(`\nintegration: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  return worst;
}

void main().then((code) => process.exit(code));
