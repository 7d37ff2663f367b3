import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { DistillConfig, Experiment, ModelSpec } from '../../../src/engine/config/types';
import { buildModel, loadModel } from '../../../src/engine/models';
import { experimentOfRun, runExperiment } from '../../../src/engine/run/runExperiment';
import { readEvents } from '../../../src/engine/store/runStore';
import type { RunEvent, RunSummary } from '../../../src/protocol/events';
import { syntheticExperiment, tempDir } from '../engine/fixtures';

function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

const KD: DistillConfig['losses'] = [
  { type: 'ce', weight: 0.5 },
  { type: 'kd', weight: 0.5, temperature: 4, scaleByTemperatureSquared: true },
];

/** The fixture experiment with a short budget and the given distillation settings. */
function experiment(distill: Partial<DistillConfig>, overrides: Partial<Experiment> = {}): Experiment {
  const base = syntheticExperiment();
  return {
    ...base,
    distill: { ...base.distill, losses: KD, ...distill },
    train: { ...base.train, epochs: 2, maxStepsPerEpoch: 4 },
    ...overrides,
  };
}

interface Ran {
  runDir: string;
  summary: RunSummary;
  events: RunEvent[];
}

async function run(exp: Experiment): Promise<Ran> {
  const { runDir, summary } = await runExperiment(exp, { runsDir: tempDir() });
  return { runDir, summary, events: readEvents(runDir) };
}

/** Every stage was started, ended, and saved its best and last weights. */
function assertStages(ran: Ran, stages: string[]): void {
  assert.strictEqual(ran.summary.status, 'done', ran.summary.error);
  assert.deepStrictEqual(
    ofType(ran.events, 'stage-start').map((e) => e.stage),
    stages,
  );
  assert.deepStrictEqual(
    ofType(ran.events, 'stage-end').map((e) => e.stage),
    stages,
  );
  for (const stage of stages) {
    for (const which of ['best', 'last']) {
      assert.ok(fs.existsSync(path.join(ran.runDir, 'checkpoints', stage, which, 'model.json')), `${stage}/${which}`);
    }
    assert.ok(
      ofType(ran.events, 'epoch').some((e) => e.stage === stage),
      `${stage} has epoch events`,
    );
    assert.ok(
      ofType(ran.events, 'step').some((e) => e.stage === stage),
      `${stage} has step events`,
    );
  }
  assert.deepStrictEqual(Object.keys(ran.summary.models).sort(), [...stages].sort());
}

function termsOf(ran: Ran, stage: string): string[] {
  return Object.keys(ofType(ran.events, 'step').find((e) => e.stage === stage)?.losses ?? {}).sort();
}

/** Layer names of a saved model against those of the freshly built architecture. */
async function assertExportedAs(file: string, spec: ModelSpec, inputShape: number[], classes: number): Promise<void> {
  const saved = await loadModel(file);
  const built = buildModel(spec as Parameters<typeof buildModel>[0], {
    inputShape,
    classes,
    name: 'student',
    seed: 1,
  }).model;
  assert.deepStrictEqual(
    saved.layers.map((l) => l.name),
    built.layers.map((l) => l.name),
  );
  assert.strictEqual(saved.countParams(), built.countParams());
  saved.dispose();
  built.dispose();
}

describe('distillation schemes end to end (real TF.js, synthetic data)', function () {
  this.timeout(300000);

  it('online: trains the student and its peers together, each a recorded stage, peer-1 the product', async () => {
    const ran = await run(
      experiment({ scheme: 'online', peers: [{ preset: 'mlp', hidden: [16] }] }, { teacher: undefined }),
    );
    assertStages(ran, ['peer-1', 'peer-2', 'baseline']);
    assert.strictEqual(ran.summary.product, 'peer-1');
    assert.deepStrictEqual(termsOf(ran, 'peer-1'), ['ce', 'kd']);
    assert.deepStrictEqual(termsOf(ran, 'peer-2'), ['ce', 'kd']);
    // Joint training: the peers' steps alternate, one pair per batch.
    const steps = ofType(ran.events, 'step').filter((e) => e.stage.startsWith('peer-'));
    assert.strictEqual(steps.length, 2 * 2 * 4);
    steps.forEach((s, i) => assert.strictEqual(s.stage, i % 2 === 0 ? 'peer-1' : 'peer-2'));
    assert.ok(ran.summary.agreement !== undefined, 'peer-1 is compared with the other peer');
    assert.ok(ran.summary.kdGain !== undefined);
    assert.strictEqual(ran.summary.models['peer-2'].role, 'peer');
  });

  it('online: a stop mid-epoch checkpoints every peer, and the resumed run finishes them together', async () => {
    const runsDir = tempDir();
    let steps = 0;
    const exp = experiment(
      { scheme: 'online', peers: [{ preset: 'mlp', hidden: [16] }] },
      { teacher: undefined, baseline: false },
    );
    const first = await runExperiment(exp, {
      runsDir,
      onEvent: (e) => void (e.type === 'step' && steps++),
      shouldStop: () => steps >= 10,
    });
    assert.strictEqual(first.summary.status, 'stopped');
    for (const stage of ['peer-1', 'peer-2']) {
      const state = JSON.parse(fs.readFileSync(path.join(first.runDir, 'checkpoints', stage, 'state.json'), 'utf8'));
      assert.strictEqual(state.epoch, 1, `${stage} finished epoch 1 before the stop`);
      // Ten step events are five joint steps: four of epoch 1 and one of epoch 2.
      assert.strictEqual(state.step, 1, `${stage} saved its position: 1 step into epoch 2`);
    }
    const before = readEvents(first.runDir).length;
    const second = await runExperiment(experimentOfRun(first.runDir), { runsDir, resumeDir: first.runDir });
    assert.strictEqual(second.summary.status, 'done', second.summary.error);
    const resumed = readEvents(first.runDir).slice(before);
    const starts = ofType(resumed, 'stage-start');
    assert.deepStrictEqual(
      starts.map((s) => [s.stage, s.startEpoch]),
      [
        ['peer-1', 2],
        ['peer-2', 2],
      ],
    );
    assert.strictEqual(second.summary.models['peer-1'].last.epoch, 2);
    assert.strictEqual(second.summary.models['peer-2'].last.epoch, 2);
  });

  it('self/bornAgain: generation 0 on labels, then each generation distilled from the previous', async () => {
    const ran = await run(
      experiment({ scheme: 'self', selfMode: 'bornAgain', generations: 2 }, { teacher: undefined }),
    );
    assertStages(ran, ['generation-0', 'generation-1', 'generation-2']);
    assert.strictEqual(ran.summary.product, 'generation-2');
    assert.deepStrictEqual(termsOf(ran, 'generation-0'), ['ce']);
    assert.deepStrictEqual(termsOf(ran, 'generation-2'), ['ce', 'kd']);
    assert.strictEqual(
      ran.summary.kdGain,
      ran.summary.models['generation-2'].best.test - ran.summary.models['generation-0'].best.test,
    );
    assert.ok(ran.summary.agreement !== undefined, 'compared with generation-1');
    assert.strictEqual(ran.summary.compressionRatio, 1, 'same architecture');
  });

  it('self/exits: trains auxiliary heads with the student and exports the student without them', async () => {
    const student: ModelSpec = { preset: 'mlp', hidden: [16, 8] };
    const ran = await run(
      experiment(
        {
          scheme: 'self',
          selfMode: 'exits',
          exits: ['hidden_1'],
          losses: [...KD, { type: 'hint', weight: 0.1, teacherLayer: 'hidden_2', studentLayer: 'hidden_1' }],
        },
        { teacher: undefined, student, baseline: false },
      ),
    );
    assertStages(ran, ['student']);
    assert.strictEqual(ran.summary.product, 'student');
    assert.deepStrictEqual(
      termsOf(ran, 'student').filter((t) => !t.startsWith('hint')),
      ['ce', 'ce@hidden_1', 'kd@hidden_1'],
    );
    assert.ok(termsOf(ran, 'student').some((t) => t.startsWith('hint')));
    await assertExportedAs(path.join(ran.runDir, 'checkpoints', 'student', 'best', 'model.json'), student, [12], 4);
    // The heads (and the hint's regressor) are checkpointed beside the student, for a resumed run:
    // one head on hidden_1: a 16×4 kernel and 4 biases, float32.
    const headBytes = 4 * (16 * 4 + 4);
    assert.ok(fs.statSync(path.join(ran.runDir, 'checkpoints', 'student', 'adapters.bin')).size >= headBytes);
  });

  it('offline with a hint: the exported student has no adaptation layer', async () => {
    const student: ModelSpec = { preset: 'mlp', hidden: [6] };
    const ran = await run(
      experiment(
        {
          scheme: 'offline',
          losses: [...KD, { type: 'hint', weight: 1, teacherLayer: 'hidden_1', studentLayer: 'hidden_1' }],
        },
        { student, baseline: false },
      ),
    );
    assertStages(ran, ['teacher', 'student']);
    const links = ofType(ran.events, 'models')[0].links;
    assert.ok(links.some((l) => l.studentLayer === 'hidden_1' && l.teacherLayer === 'hidden_1'));
    await assertExportedAs(path.join(ran.runDir, 'checkpoints', 'student', 'best', 'model.json'), student, [12], 4);
  });

  it('assistant: teacher → assistant → student, each distilled from the one before', async () => {
    const ran = await run(experiment({ scheme: 'assistant', assistants: [{ preset: 'mlp', hidden: [16] }] }));
    assertStages(ran, ['teacher', 'assistant-1', 'student', 'baseline']);
    assert.strictEqual(ran.summary.product, 'student');
    assert.deepStrictEqual(termsOf(ran, 'assistant-1'), ['ce', 'kd']);
    assert.strictEqual(ran.summary.models['assistant-1'].role, 'assistant');
    // Compared with the model the chain started from, the original teacher, not the last assistant.
    const ratio = ran.summary.models.teacher.summary.params / ran.summary.models.student.summary.params;
    assert.strictEqual(ran.summary.compressionRatio, ratio);
    assert.deepStrictEqual(ran.summary.reference?.stages, ['teacher']);
  });

  it('assistant with a stage schedule: every hop runs the stages', async () => {
    const stages: DistillConfig['stages'] = [
      {
        name: 'hint',
        epochs: 1,
        losses: [{ type: 'hint', weight: 1, teacherLayer: 'hidden_1', studentLayer: 'hidden_1' }],
      },
      { name: 'kd', epochs: 1, losses: KD },
    ];
    const ran = await run(
      experiment({ scheme: 'assistant', assistants: [{ preset: 'mlp', hidden: [16] }], stages }, { baseline: false }),
    );
    assertStages(ran, ['teacher', 'assistant-1.hint', 'assistant-1.kd', 'student.hint', 'student.kd']);
    assert.strictEqual(ran.summary.product, 'student.kd');
    assert.strictEqual(ran.summary.models['student.kd'].last.epoch, 2, 'epochs continue across stages');
  });

  it('stage schedules compose with born-again generations and with several teachers', async () => {
    const stages: DistillConfig['stages'] = [
      { name: 'soft', epochs: 1, losses: [{ type: 'kd', weight: 1, temperature: 4, scaleByTemperatureSquared: true }] },
      { name: 'mixed', epochs: 1, losses: KD },
    ];
    const born = await run(
      experiment({ scheme: 'self', selfMode: 'bornAgain', generations: 1, stages }, { teacher: undefined }),
    );
    assertStages(born, ['generation-0', 'generation-1.soft', 'generation-1.mixed']);
    assert.strictEqual(born.summary.product, 'generation-1.mixed');
    assert.strictEqual(born.summary.models['generation-0'].last.epoch, 2, 'generation 0 trains for the whole schedule');
    const several = await run(
      experiment(
        {
          scheme: 'multiTeacher',
          teachers: [
            { preset: 'mlp', hidden: [32] },
            { preset: 'mlp', hidden: [24] },
          ],
          stages,
        },
        { teacher: undefined, baseline: false },
      ),
    );
    assertStages(several, ['teacher-1', 'teacher-2', 'student.soft', 'student.mixed']);
    assert.deepStrictEqual(termsOf(several, 'student.soft'), ['kd']);
  });

  it('online: the tensor count stays flat across joint steps', async () => {
    const counts: number[] = [];
    const exp = experiment(
      { scheme: 'online', peers: [{ preset: 'mlp', hidden: [16] }] },
      { teacher: undefined, baseline: false },
    );
    const { summary } = await runExperiment(
      { ...exp, train: { ...exp.train, epochs: 3 } },
      {
        runsDir: tempDir(),
        onEvent: (e) => void (e.type === 'step' && e.stage === 'peer-2' && counts.push(tf.memory().numTensors)),
      },
    );
    assert.strictEqual(summary.status, 'done', summary.error);
    const steady = counts.slice(2);
    assert.ok(steady.length >= 8);
    assert.strictEqual(Math.max(...steady), Math.min(...steady), `tensor counts: ${steady.join(',')}`);
  });

  it('multiTeacher: several teachers, weighted by validation accuracy, teach one student', async () => {
    const ran = await run(
      experiment(
        {
          scheme: 'multiTeacher',
          teacherWeighting: 'accuracy',
          teachers: [
            { preset: 'mlp', hidden: [32] },
            { preset: 'mlp', hidden: [24] },
          ],
        },
        { teacher: undefined },
      ),
    );
    assertStages(ran, ['teacher-1', 'teacher-2', 'student', 'baseline']);
    assert.strictEqual(ran.summary.product, 'student');
    const log = ofType(ran.events, 'log').find((e) => e.message.startsWith('multiTeacher:'));
    assert.ok(log, 'the weights are logged');
    const [w1, w2] = [...(log as { message: string }).message.matchAll(/teacher-\d ([0-9.]+)/g)].map((m) =>
      Number(m[1]),
    );
    const [v1, v2] = [
      ran.summary.models['teacher-1'].best.val as number,
      ran.summary.models['teacher-2'].best.val as number,
    ];
    assert.ok(
      Math.abs(w1 - v1 / (v1 + v2)) < 1e-3 && Math.abs(w2 - v2 / (v1 + v2)) < 1e-3,
      `weights ${w1}, ${w2} from accuracies ${v1}, ${v2}`,
    );
    assert.ok(ran.summary.agreement !== undefined);
    // Measured against the ensemble the student learned from: both teachers, their parameters together.
    const m = ran.summary.models;
    assert.deepStrictEqual(ran.summary.reference?.stages, ['teacher-1', 'teacher-2']);
    assert.match(ran.summary.reference?.label ?? '', /^ensemble of teacher-1 .*teacher-2/);
    assert.strictEqual(
      ran.summary.compressionRatio,
      (m['teacher-1'].summary.params + m['teacher-2'].summary.params) / m.student.summary.params,
    );
  });

  it('refuses combinations a scheme cannot honour, with the reason', async () => {
    const stages: DistillConfig['stages'] = [{ name: 'kd', epochs: 1, losses: KD }];
    const online = await run(
      experiment({ scheme: 'online', peers: [{ preset: 'mlp', hidden: [8] }], stages }, { teacher: undefined }),
    );
    assert.strictEqual(online.summary.status, 'failed');
    assert.match(online.summary.error ?? '', /distill\.stages is not supported with online/);
    const lonely = await run(experiment({ scheme: 'online' }, { teacher: undefined }));
    assert.match(lonely.summary.error ?? '', /at least one model in distill\.peers/);
    const hint = await run(
      experiment(
        {
          scheme: 'multiTeacher',
          teachers: [{ preset: 'mlp', hidden: [32] }],
          losses: [{ type: 'hint', weight: 1, teacherLayer: 'hidden_1', studentLayer: 'hidden_1' }],
        },
        { teacher: undefined },
      ),
    );
    assert.match(hint.summary.error ?? '', /multiTeacher: loss terms .* read teacher layers/);
    const peerHint = await run(
      experiment(
        {
          scheme: 'online',
          peers: [{ preset: 'mlp', hidden: [8] }],
          losses: [...KD, { type: 'hint', weight: 1, teacherLayer: 'hidden_1', studentLayer: 'hidden_1' }],
        },
        { teacher: undefined },
      ),
    );
    assert.match(peerHint.summary.error ?? '', /online: loss terms hint\S* read teacher layers/);
    const exits = await run(
      experiment({ scheme: 'self', selfMode: 'exits', exits: ['nowhere'] }, { teacher: undefined }),
    );
    assert.match(exits.summary.error ?? '', /the student has no layer "nowhere"/);
    // Refused before anything trained.
    for (const ran of [online, lonely, hint, peerHint, exits])
      assert.strictEqual(ofType(ran.events, 'stage-start').length, 0);
  });
});
