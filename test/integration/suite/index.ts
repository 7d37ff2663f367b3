// Entry point VS Code's test runner loads in the extension host (extensionTestsPath): runs every
// bundled *.test.js next to it with mocha and the project's counting reporter, which writes
// {passed, failed, skipped} to KD_TEST_RESULTS (default test-results/integration.json).
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

const REPORTER = path.join('scripts', 'mocha-counting-reporter.js');

/** The repository root: the nearest folder above this bundle that holds the reporter. */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, REPORTER))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`${REPORTER} not found above ${from}`);
  }
}

export async function run(): Promise<void> {
  const root = repositoryRoot(__dirname);
  process.env.KD_TEST_RESULTS ||= path.join(root, 'test-results', 'integration.json');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const reporter = require(path.join(root, REPORTER)) as typeof Mocha.reporters.Base;
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter });
  const grep = process.env.KD_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(path.join(__dirname, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test${failures === 1 ? '' : 's'} failed`);
}
