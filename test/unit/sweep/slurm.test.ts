import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Comparison, SweepPointStatus } from '../../../src/protocol/sweep';
import { arraySpec, mergeStatus } from '../../../src/engine/sweep/slurm';
import { readSweepRecord, sweepRuns } from '../../../src/engine/sweep/store';
import { tempDir } from '../engine/fixtures';
import { collect, writeSyntheticFile } from '../runner/processes';
import { installSlurm, startCluster, type Cluster } from './slurmCluster';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function kd(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), path.join(ROOT, 'src/cli/main.ts'), ...args],
    { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return collect(child);
}

describe('sweeps on SLURM', function () {
  this.timeout(240_000);

  it('array specs and the merge of scheduler and run-store states', () => {
    assert.equal(arraySpec([0, 1, 2, 3], 2), '0-3%2');
    assert.equal(arraySpec([5, 1, 3], 0), '1,3,5');
    const cases: [SweepPointStatus | undefined, string | undefined, boolean, SweepPointStatus][] = [
      [undefined, 'PENDING', false, 'queued'],
      [undefined, 'RUNNING', false, 'running'],
      ['failed', 'RUNNING', false, 'running'],
      ['done', undefined, false, 'done'],
      [undefined, 'FAILED', false, 'failed'],
      [undefined, 'CANCELLED', false, 'stopped'],
      [undefined, undefined, true, 'stopped'],
      [undefined, undefined, false, 'queued'],
    ];
    for (const [run, scheduler, cancelled, expected] of cases)
      assert.equal(mergeStatus(run, scheduler, cancelled), expected, `${run} ${scheduler} ${cancelled}`);
  });

  describe('a real single-node cluster', () => {
    let cluster: Cluster | undefined;

    before(async function () {
      const why = installSlurm();
      if (why) {
        process.stderr.write(`      skipped: ${why}\n`);
        this.skip();
      }
      cluster = await startCluster();
    });

    after(() => cluster?.stop());

    it('kd sweep --executor slurm runs a 4-run sweep as one job array; status, compare and cancel follow it', async () => {
      const { env } = cluster!;
      const dir = tempDir();
      const file = writeSyntheticFile(dir, 'slurm.kd.json', {
        baseline: true,
        data: { dataset: 'synthetic', shape: [10], classes: 3, trainSize: 160, testSize: 60, validationSplit: 0.2 },
        train: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
        sweep: { grid: { 'distill.losses[1].temperature': [2, 8] }, seeds: [1, 2] },
      });
      const runsDir = path.join(dir, 'shared-runs');
      const submitted = await kd(
        [
          'sweep',
          file,
          '--executor',
          'slurm',
          '--concurrency',
          '2',
          '--runs-dir',
          runsDir,
          '--json',
          '--slurm-arg=--cpus-per-task=1',
        ],
        env,
        dir,
      );
      assert.equal(submitted.code, 0, submitted.stderr);
      const { sweepDir, jobId, points } = JSON.parse(submitted.stdout.trim()) as {
        sweepDir: string;
        jobId: string;
        points: number[];
      };
      assert.match(jobId, /^\d+$/);
      assert.deepEqual(points, [0, 1, 2, 3]);
      assert.match(fs.readFileSync(path.join(sweepDir, 'job.sh'), 'utf8'), /--sweep-point "\$SLURM_ARRAY_TASK_ID"/);

      // Wait on the run store (what the shared filesystem brings back), then ask kd what it makes of it.
      const record = readSweepRecord(sweepDir);
      const end = Date.now() + 150_000;
      while (Date.now() < end) {
        const statuses = sweepRuns(record).map((r) => r?.status);
        if (statuses.every((s) => s === 'done' || s === 'failed')) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const status = await kd(['sweep', 'status', sweepDir, '--json'], env, dir);
      assert.equal(status.code, 0, status.stderr);
      const progress = (JSON.parse(status.stdout) as { progress: { done: number } }).progress;
      const logs = fs.readdirSync(sweepDir).filter((f) => f.startsWith('slurm-'));
      assert.equal(
        progress.done,
        4,
        `${JSON.stringify(progress)}\n${logs.map((l) => fs.readFileSync(path.join(sweepDir, l), 'utf8').slice(-800)).join('\n')}`,
      );
      assert.equal(logs.length, 4);

      const compared = await kd(['compare', sweepDir, '--group-by', 'seed', '--format', 'json'], env, dir);
      assert.equal(compared.code, 0, compared.stderr);
      const comparison = JSON.parse(compared.stdout) as Comparison;
      assert.equal(comparison.runs.length, 4);
      assert.deepEqual(
        comparison.groups.map((g) => [g.params, g.n, g.seeds]),
        [
          [{ 'distill.losses[1].temperature': 2 }, 2, [1, 2]],
          [{ 'distill.losses[1].temperature': 8 }, 2, [1, 2]],
        ],
      );
      for (const group of comparison.groups) {
        for (const metric of [
          'student.best.test',
          'student.last.test',
          'baseline.best.test',
          'kdGain',
          'agreement',
          'params',
        ])
          assert.ok(group.metrics[metric], metric);
        const acc = group.metrics['student.best.test'];
        assert.ok(acc.min >= 0 && acc.max <= 1);
        assert.equal(group.metrics.kdGain.ci95!.length, 2);
      }
      const config = JSON.parse(fs.readFileSync(path.join(comparison.runs[3].runDir, 'config.json'), 'utf8'));
      assert.deepEqual(config.sweep.params, { 'distill.losses[1].temperature': 8 });
      assert.equal(config.sweep.point, 3);

      // A sweep that cannot start yet: pending in the queue, then cancelled.
      const held = await kd(
        ['sweep', file, '--executor', 'slurm', '--runs-dir', runsDir, '--json', '--slurm-arg=--begin=now+1hour'],
        env,
        dir,
      );
      assert.equal(held.code, 0, held.stderr);
      const heldDir = (JSON.parse(held.stdout.trim()) as { sweepDir: string }).sweepDir;
      const pending = JSON.parse((await kd(['sweep', 'status', heldDir, '--json'], env, dir)).stdout) as {
        progress: { queued: number };
      };
      assert.equal(pending.progress.queued, 4);
      const cancel = await kd(['sweep', 'cancel', heldDir], env, dir);
      assert.equal(cancel.code, 0, cancel.stderr);
      const after = JSON.parse((await kd(['sweep', 'status', heldDir, '--json'], env, dir)).stdout) as {
        progress: { stopped: number };
      };
      assert.equal(after.progress.stopped, 4);
    });
  });
});
