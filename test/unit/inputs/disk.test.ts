// A run on a read-only or full disk says so, naming the folder, instead of "ENOENT … mkdir" or an
// unexplained exit; where the run folder exists and the disk still takes a line, its run-end records
// the reason. Real file systems: a read-only tmpfs and a tiny tmpfs, mounted for the test (root
// ignores file permissions, so chmod cannot make a folder read-only for it). Skipped, with a note,
// where this process may not mount.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readEvents, readRun } from '../../../src/engine/store/runStore';
import { collect, startTs } from '../runner/processes';
import { tempDir } from '../data/helpers';

const kd = (args: string[]) => collect(startTs('src/cli/main.ts', args));

/** Mounts a tmpfs with `options` on a fresh folder; undefined where mounting is not allowed. */
function mountTmpfs(options: string): string | undefined {
  const dir = tempDir();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    return undefined;
  }
}

function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' });
}

function writeExperiment(dir: string): string {
  const file = path.join(dir, 'disk.kd.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      backend: 'cpu',
      data: { dataset: 'synthetic', shape: [6], classes: 4, trainSize: 64, testSize: 16 },
      student: { preset: 'mlp', hidden: [8] },
      train: { epochs: 3, batchSize: 16 },
    }),
  );
  return file;
}

function skipWithoutMount(context: Mocha.Context, what: string): never {
  console.log(`      (skipped: this process may not mount a tmpfs, needed for a real ${what} disk)`);
  return context.skip();
}

describe('inputs: read-only and full disks', function () {
  this.timeout(120000);

  it('a read-only runs folder gets a sentence naming the folder, not ENOENT mkdir', async function () {
    const mounted = mountTmpfs('ro,size=64k');
    if (!mounted) skipWithoutMount(this, 'read-only');
    try {
      const file = writeExperiment(tempDir());
      const result = await kd(['run', file, '--runs-dir', path.join(mounted, 'runs')]);
      assert.strictEqual(result.code, 1, result.stdout + result.stderr);
      assert.ok(
        result.stderr.includes(`kd: cannot write a new run folder in ${mounted}: the disk is read-only;`),
        result.stderr,
      );
      assert.doesNotMatch(result.stderr, /ENOENT|EROFS|mkdir/);
    } finally {
      unmount(mounted);
    }
  });

  it('a full disk ends the run failed with reason "disk full", recorded in the run folder, nothing left behind', async function () {
    // Room for the run folder and a few epochs' events, not for a checkpoint.
    const mounted = mountTmpfs('size=48k');
    if (!mounted) skipWithoutMount(this, 'full');
    try {
      const file = writeExperiment(tempDir());
      const runsDir = path.join(mounted, 'runs');
      const result = await kd(['run', file, '--runs-dir', runsDir]);
      assert.strictEqual(result.code, 1, result.stdout + result.stderr);
      const experimentDir = path.join(runsDir, 'disk');
      const [runId] = fs.readdirSync(experimentDir);
      assert.ok(runId, 'the run folder exists');
      const runDir = path.join(experimentDir, runId);
      const sentence = `cannot write the run's files in ${runDir}: the disk is full`;
      assert.ok(result.stdout.includes(sentence), result.stdout);
      assert.doesNotMatch(result.stdout + result.stderr, /ENOSPC/);
      const end = readEvents(runDir).at(-1);
      assert.ok(end?.type === 'run-end', `the last event is the run end: ${JSON.stringify(end)}`);
      assert.strictEqual(end.status, 'failed');
      assert.strictEqual(end.reason, 'disk full');
      assert.ok(end.error?.includes(sentence));
      const run = readRun(runDir);
      assert.strictEqual(run.status, 'failed');
      assert.strictEqual(run.summary?.reason, 'disk full');
      // No lock, no temporary, no half-written checkpoint unit.
      const left = fs.readdirSync(runDir, { recursive: true }).map(String);
      assert.deepStrictEqual(
        left.filter((f) => /run\.lock|\.tmp-|\.next-/.test(f)),
        [],
      );
    } finally {
      unmount(mounted);
    }
  });
});
