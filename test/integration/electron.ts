// The same in-host suites in desktop VS Code, through @vscode/test-electron, for machines that can
// download VS Code (it is in neither npm nor Debian, so CI here uses code-server: run.ts). Two
// sessions as in run.ts: a trusted workspace, then Restricted Mode. Expects `npm run build` and
// `node scripts/build-tests.mjs`; writes the summed counts to KD_TEST_RESULTS
// (default test-results/integration-electron.json).
import { runTests } from '@vscode/test-electron';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = process.env.KD_TEST_RESULTS || path.join(ROOT, 'test-results', 'integration-electron.json');
const VERSION = process.env.KD_VSCODE_VERSION ?? '1.100.3';
const TESTS = path.join(ROOT, 'out', 'test', 'integration');

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

async function runPhase(tests: string, restricted: boolean, results: string): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-electron-'));
  const workspace = path.join(tmp, 'workspace');
  const userDataDir = path.join(tmp, 'user-data');
  fs.cpSync(path.join(__dirname, 'fixtures', 'workspace'), workspace, { recursive: true });
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': restricted,
      'security.workspace.trust.startupPrompt': 'never',
      'workbench.startupEditor': 'none',
      'extensions.autoUpdate': false,
    }),
  );
  try {
    return await runTests({
      version: VERSION,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(tests, 'index.js'),
      extensionTestsEnv: { KD_TEST_RESULTS: results },
      launchArgs: [
        workspace,
        '--user-data-dir',
        userDataDir,
        '--disable-extensions',
        ...(restricted ? [] : ['--disable-workspace-trust']),
      ],
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  let worst = 0;
  for (const [i, [tests, restricted]] of (
    [
      [TESTS, false],
      [path.join(TESTS, 'restricted'), true],
    ] as const
  ).entries()) {
    const file = path.join(os.tmpdir(), `kd-electron-results-${process.pid}-${i}.json`);
    const code = await runPhase(tests, restricted, file);
    let counts: Counts = { passed: 0, failed: 1, skipped: 0 };
    try {
      counts = JSON.parse(fs.readFileSync(file, 'utf8')) as Counts;
      fs.rmSync(file);
    } catch {
      // never reported: one failure
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    if (code !== 0) worst = code;
  }
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(total) + '\n');
  return worst;
}

void main().then((code) => process.exit(code));
