import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { RunEvent, RunSummary } from '../../../src/protocol/events';
import { loadExperimentFile } from '../../../src/engine/config';
import { runSweepPoint, pickSweep } from '../../../src/engine/sweep/runPoint';
import { sweepDirOf } from '../../../src/engine/sweep/store';
import { OUTPUTS_DIR } from '../../../src/engine/sweep/outputCache';
import { TEACHERS_DIR } from '../../../src/engine/sweep/sharedTeacher';
import { tempDir } from '../engine/fixtures';
import { collect, startTs, writeSyntheticFile } from '../runner/processes';

/** 2 temperatures × 2 seeds of a tiny pair whose teacher is trained in the run. */
function sweepFile(dir: string, shareTeachers: boolean): string {
  return writeSyntheticFile(dir, 'share.kd.json', {
    data: { dataset: 'synthetic', shape: [8], classes: 3, trainSize: 200, testSize: 60, validationSplit: 0.2 },
    train: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
    teacher: { preset: 'mlp', hidden: [16] },
    student: { preset: 'mlp', hidden: [4] },
    sweep: { grid: { 'distill.losses[1].temperature': [2, 8] }, seeds: [1, 2], shareTeachers },
  });
}

interface PointRun {
  summary: RunSummary;
  events: RunEvent[];
  runDir: string;
}

async function runAll(
  file: string,
  runsDir: string,
  before?: (index: number) => void,
  only?: number[],
): Promise<PointRun[]> {
  const plan = pickSweep(await loadExperimentFile(file), undefined);
  const runs: PointRun[] = [];
  for (const point of plan.points.filter((p) => !only || only.includes(p.index))) {
    before?.(point.index);
    const events: RunEvent[] = [];
    const { summary, runDir } = await runSweepPoint(plan, point.index, {
      runsDir,
      sweepId: 'sweep-test',
      onEvent: (e) => events.push(e),
    });
    assert.equal(summary.status, 'done', summary.error);
    runs.push({ summary, events, runDir });
  }
  return runs;
}

const trainsTeacher = (run: PointRun) => run.events.some((e) => e.type === 'stage-start' && e.stage === 'teacher');
const logs = (run: PointRun) => run.events.flatMap((e) => (e.type === 'log' ? [e.message] : []));

describe('sweeps: one teacher per (teacher config, seed), frozen teacher outputs cached on disk', function () {
  this.timeout(240_000);

  it('trains 2 teachers for 2 temperatures × 2 seeds, shares them and their cached outputs, and equals the unshared sweep', async () => {
    const dir = tempDir();
    const shared = path.join(dir, 'shared-runs');
    const sharedDir = path.join(sweepDirOf(shared, 'share', 'sweep-test'), 'shared');
    let seed1Files = new Set<string>();
    const outputFiles = () => fs.readdirSync(path.join(sharedDir, OUTPUTS_DIR)).filter((f) => f.endsWith('.bin'));
    const on = await runAll(sweepFile(dir, true), shared, (index) => {
      if (index === 1) seed1Files = new Set(outputFiles());
      if (index !== 3) return;
      // Point 3 (T 8, seed 2) reads what point 1 (T 2, seed 2) cached: tear one of those files first.
      assert.equal(outputFiles().length, 4, 'per teacher: its outputs on the training split and its test logits');
      const torn = path.join(sharedDir, OUTPUTS_DIR, outputFiles().filter((f) => !seed1Files.has(f))[0]!);
      fs.truncateSync(torn, Math.floor(fs.statSync(torn).size / 2));
    });

    // Exactly two teacher trainings: points 0 and 1 (seeds 1 and 2); points 2 and 3 load theirs.
    assert.deepEqual(on.map(trainsTeacher), [true, true, false, false]);
    const key = (r: PointRun) => r.summary.sweep?.shared?.teachers.teacher;
    assert.equal(fs.readdirSync(path.join(sharedDir, TEACHERS_DIR)).filter((f) => !f.startsWith('.')).length, 2);
    assert.deepEqual(key(on[2]!), key(on[0]!));
    assert.deepEqual(key(on[3]!), key(on[1]!));
    assert.notEqual(key(on[0]!)!.key, key(on[1]!)!.key);
    assert.equal(key(on[2]!)!.trainedBy, path.basename(on[0]!.runDir));
    assert.equal(key(on[0]!)!.trainedBy, path.basename(on[0]!.runDir));
    // config.json names the shared teacher before the run starts.
    const config = JSON.parse(fs.readFileSync(path.join(on[2]!.runDir, 'config.json'), 'utf8')) as {
      sweep: { shared: { teachers: { teacher: { key: string } } } };
    };
    assert.equal(config.sweep.shared.teachers.teacher.key, key(on[0]!)!.key);
    assert.deepEqual(on[2]!.summary.models.teacher!.best, on[0]!.summary.models.teacher!.best);

    // The disk cache: the second run of a seed reads its teacher's outputs; a torn file is made again.
    assert.ok(logs(on[0]!).some((m) => /teacher outputs \(train:\[\].*computed and stored/.test(m)));
    assert.ok(logs(on[2]!).some((m) => /teacher outputs \(train:\[\].*read from the sweep's cache/.test(m)));
    assert.ok(logs(on[2]!).some((m) => /teacher outputs \(logits:evaluate.*read from/.test(m)));
    assert.ok(
      logs(on[3]!).some((m) => /computed and stored in/.test(m)),
      'the torn file is not used',
    );
    assert.ok(
      logs(on[3]!).some((m) => /read from the sweep's cache/.test(m)),
      'the intact one is',
    );

    // The points that reused a teacher, in the same sweep with sharing off: each trains its own, results are equal.
    const own = await runAll(sweepFile(dir, false), path.join(dir, 'own-runs'), undefined, [2, 3]);
    assert.deepEqual(own.map(trainsTeacher), [true, true]);
    assert.equal(own[0]!.summary.sweep?.shared, undefined);
    for (const [j, i] of [2, 3].entries()) {
      const a = on[i]!.summary;
      const b = own[j]!.summary;
      assert.deepEqual(a.models.teacher!.best, b.models.teacher!.best, `point ${i}: teacher`);
      assert.deepEqual(a.models.student!.best, b.models.student!.best, `point ${i}: student`);
      assert.deepEqual(a.models.student!.last, b.models.student!.last, `point ${i}: student (last)`);
      assert.equal(a.agreement, b.agreement, `point ${i}: agreement`);
      assert.equal(a.klTeacherStudent, b.klTeacherStudent, `point ${i}: KL`);
    }
    // Same seed, same teacher weights: the shared teacher of seed 1 is the one point 2 trains alone.
    const weights = (file: string) => fs.readFileSync(file);
    const sharedWeights = weights(path.join(sharedDir, TEACHERS_DIR, key(on[0]!)!.key, 'weights.bin'));
    const ownWeights = weights(path.join(own[0]!.runDir, 'checkpoints', 'teacher', 'best', 'weights.bin'));
    assert.ok(sharedWeights.equals(ownWeights));
  });

  it('kd sweep --concurrency 2: two runners needing one teacher train it once (the other waits for it)', async () => {
    const dir = tempDir();
    const file = writeSyntheticFile(dir, 'pair.kd.json', {
      data: { dataset: 'synthetic', shape: [8], classes: 3, trainSize: 200, testSize: 60, validationSplit: 0.2 },
      train: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
      teacher: { preset: 'mlp', hidden: [16] },
      student: { preset: 'mlp', hidden: [4] },
      sweep: { grid: { 'distill.losses[1].temperature': [2, 8] } },
    });
    const run = await collect(startTs('src/cli/main.ts', ['sweep', file, '--concurrency', '2', '--json'], dir));
    assert.equal(run.code, 0, run.stderr);
    const end = JSON.parse(run.stdout.trim().split('\n').pop()!) as { sweepDir: string };
    const runsDir = path.dirname(path.dirname(path.dirname(end.sweepDir)));
    const runs = ['p000', 'p001'].map((p) => {
      const runDir = path.join(runsDir, 'pair', `${path.basename(end.sweepDir)}-${p}`);
      const events = fs
        .readFileSync(path.join(runDir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as RunEvent);
      const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
      return { runDir, events, summary };
    });
    assert.equal(runs.filter(trainsTeacher).length, 1, 'one teacher training for the two points');
    const teachers = runs.map((r) => r.summary.sweep?.shared?.teachers.teacher);
    assert.deepEqual(teachers[0], teachers[1]);
  });
});
