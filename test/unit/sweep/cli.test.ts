import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Comparison } from '../../../src/protocol/sweep';
import { tempDir } from '../engine/fixtures';
import { collect, startTs, writeSyntheticFile } from '../runner/processes';

const kd = (args: string[], cwd?: string) => collect(startTs('src/cli/main.ts', args, cwd));

describe('kd sweep and kd compare (local)', function () {
  this.timeout(300_000);

  it('--dry-run prints the expanded points; a sweep runs N at once; compare groups by seed; resume finishes what is missing', async () => {
    const dir = tempDir();
    const file = writeSyntheticFile(dir, 'local.kd.json', {
      baseline: true,
      data: { dataset: 'synthetic', shape: [10], classes: 3, trainSize: 160, testSize: 60, validationSplit: 0.2 },
      train: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
      sweep: { grid: { 'train.optimizer.lr': [0.01] }, seeds: [1, 2, 3] },
    });
    const dry = await kd(['sweep', file, '--dry-run', '--json'], dir);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as { points: { index: number; seed: number }[] };
    assert.deepEqual(
      plan.points.map((p) => [p.index, p.seed]),
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
    );
    assert.equal(fs.existsSync(path.join(dir, 'runs')), false, 'a dry run writes nothing');

    const run = await kd(['sweep', file, '--concurrency', '2', '--json'], dir);
    assert.equal(run.code, 0, run.stderr);
    const end = JSON.parse(run.stdout.trim().split('\n').pop()!) as Comparison & {
      sweepDir: string;
      progress: { done: number };
    };
    assert.equal(end.progress.done, 3);
    assert.equal(end.groups.length, 1);
    assert.equal(end.groups[0]!.n, 3);

    // Delete one point's run: --resume runs only that one again, into the same folder name.
    const missing = path.join(path.dirname(path.dirname(end.sweepDir)), path.basename(end.runs[1]!.runDir));
    fs.rmSync(missing, { recursive: true });
    const resumed = await kd(['sweep', '--resume', end.sweepDir, '--json'], dir);
    assert.equal(resumed.code, 0, resumed.stderr);
    const starts = resumed.stdout.split('\n').filter((l) => l.includes('"sweep-point-start"'));
    assert.deepEqual(
      starts.map((l) => (JSON.parse(l) as { index: number }).index),
      [1],
    );
    assert.ok(fs.existsSync(path.join(missing, 'summary.json')));

    const md = await kd(['compare', end.sweepDir, '--format', 'md'], dir);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /\| `train\.optimizer\.lr` \| n \|/);
    assert.match(md.stdout, /pts \(95% CI -?[−\d.]+(–| to )[−\d.]+, n = 3\)/);
    const json = JSON.parse((await kd(['compare', end.sweepDir, '--format', 'json'], dir)).stdout) as Comparison;
    const gain = json.groups[0]!.metrics.kdGain!;
    const gains = json.runs.map((r) => r.metrics.kdGain!);
    const mean = gains.reduce((a, b) => a + b, 0) / 3;
    assert.ok(Math.abs(gain.mean - mean) < 1e-12);
    const csv = await kd(['compare', end.sweepDir, '--format', 'csv'], dir);
    assert.match(csv.stdout.split('\n')[0]!, /^train\.optimizer\.lr,n,/);
  });
});
