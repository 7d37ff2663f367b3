// Noisy Student: pseudo-labels against hand computations, the unlabeled data's loading, a two-round
// run end to end (real TF.js, synthetic data), its resume, and the errors of a wrong experiment.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Experiment, MlpPreset, TransformerPreset } from '../../../src/engine/config/types';
import { loadDataset } from '../../../src/engine/data';
import { loadModel } from '../../../src/engine/models';
import { NOISE_DROPOUT_LAYER, withLogitsDropout } from '../../../src/engine/models/noiseDropout';
import { buildModel } from '../../../src/engine/models';
import * as tf from '@tensorflow/tfjs';
import { experimentOfRun, runExperiment } from '../../../src/engine/run/runExperiment';
import { pseudoLabel } from '../../../src/engine/schemes/pseudoLabels';
import { withPseudoLabels } from '../../../src/engine/schemes/noisyStudent';
import { readEvents } from '../../../src/engine/store/runStore';
import type { RunEvent } from '../../../src/protocol/events';
import { syntheticExperiment, tempDir } from '../engine/fixtures';
import { baseExperiment, problemsOf, writeFiles } from '../config/helpers';
import { defaultChartStage, emptyView, reduceAll } from '../../../src/shared/panel/model';
import { statsTable } from '../../../src/shared/panel/stats';

function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

function close(actual: ArrayLike<number>, expected: number[], message?: string): void {
  assert.strictEqual(actual.length, expected.length, message);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `${message ?? ''} [${i}]: ${actual[i]} vs ${expected[i]}`);
}

// Three classes, five examples. Top probabilities (softmax at T = 1), by hand:
//  0: [2, 0, 0]      → class 0, e²/(e²+2)      = 0.786986
//  1: [0, 1, 0]      → class 1, e/(e+2)         = 0.576117
//  2: [0, 0, 0]      → class 0 (first maximum), 1/3
//  3: [3, 0, 0]      → class 0, e³/(e³+2)      = 0.909443
//  4: [0, 0, ln 4]   → class 2, 4/6             = 0.666667
const LOGITS = Float32Array.from([2, 0, 0, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, Math.log(4)]);
const E = Math.E;

describe('Noisy Student: pseudo-labels (hand computations)', () => {
  it('hard labels keep every example at threshold 0, one-hot at the top class (first maximum on ties)', () => {
    const labels = pseudoLabel(LOGITS, 3, { mode: 'hard', threshold: 0, temperature: 1 });
    assert.deepStrictEqual([...labels.rows], [0, 1, 2, 3, 4]);
    assert.deepStrictEqual([...labels.y], [0, 1, 0, 0, 2]);
    assert.deepStrictEqual([...labels.targets], [1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1]);
    assert.deepStrictEqual(labels.perClass, [3, 1, 1]);
  });

  it('soft labels are softmax(z / T); the threshold reads the top probability at T = 1', () => {
    // Threshold 0.6 drops examples 1 (0.576) and 2 (1/3); T = 2 softens what is kept.
    const labels = pseudoLabel(LOGITS, 3, { mode: 'soft', threshold: 0.6, temperature: 2 });
    assert.deepStrictEqual([...labels.rows], [0, 3, 4]);
    assert.deepStrictEqual(labels.confident, [2, 0, 1]);
    const soft = (z: number[]) => {
      const e = z.map((v) => Math.exp(v / 2));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    };
    // Example 0 at T = 2: [e, 1, 1] / (e + 2).
    close(labels.targets.subarray(0, 3), [E / (E + 2), 1 / (E + 2), 1 / (E + 2)], 'example 0');
    close(labels.targets.subarray(3, 6), soft([3, 0, 0]), 'example 3');
    // Example 4 at T = 2: [1, 1, 2] / 4.
    close(labels.targets.subarray(6, 9), [0.25, 0.25, 0.5], 'example 4');
    // Between 0.6 and the next confidence the set does not change; just above 0.9094 only example 3 stays.
    assert.deepStrictEqual([...pseudoLabel(LOGITS, 3, { mode: 'hard', threshold: 0.91, temperature: 1 }).rows], []);
    assert.deepStrictEqual([...pseudoLabel(LOGITS, 3, { mode: 'hard', threshold: 0.9, temperature: 1 }).rows], [3]);
  });

  it('class balancing keeps the most confident up to perClass and repeats a rarer class up to it', () => {
    const labels = pseudoLabel(LOGITS, 3, { mode: 'hard', threshold: 0, temperature: 1, perClass: 2 });
    // Class 0 has 3 (0.909 > 0.787 > 1/3): keeps examples 3 then 0; class 1 has 1 (example 1, twice); class 2 likewise.
    assert.deepStrictEqual([...labels.rows], [3, 0, 1, 1, 4, 4]);
    assert.deepStrictEqual([...labels.y], [0, 0, 1, 1, 2, 2]);
    assert.deepStrictEqual(labels.perClass, [2, 2, 2]);
    assert.deepStrictEqual(labels.confident, [3, 1, 1]);
    // With a threshold class 1 is empty and stays empty (nothing to repeat).
    const strict = pseudoLabel(LOGITS, 3, { mode: 'hard', threshold: 0.6, temperature: 1, perClass: 3 });
    assert.deepStrictEqual([...strict.rows], [3, 0, 3, 4, 4, 4]);
    assert.deepStrictEqual(strict.perClass, [3, 0, 3]);
  });

  it('the round trains on the labelled rows followed by the pseudo-labelled ones (labelled rows one-hot when soft)', () => {
    const labelled = { x: Float32Array.from([10, 11, 20, 21]), y: Int32Array.from([2, 1]), count: 2 };
    const unlabeled = {
      x: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
      y: Int32Array.from([-1, -1, -1, -1, -1]),
      count: 5,
    };
    const soft = pseudoLabel(LOGITS, 3, { mode: 'soft', threshold: 0.6, temperature: 2 });
    const split = withPseudoLabels(labelled, unlabeled, soft, 3, 'soft');
    assert.strictEqual(split.count, 5);
    assert.deepStrictEqual([...split.x], [10, 11, 20, 21, 0, 1, 6, 7, 8, 9]);
    assert.deepStrictEqual([...split.y], [2, 1, 0, 0, 2]);
    close(split.targets?.subarray(0, 6) ?? [], [0, 0, 1, 0, 1, 0]);
    close(split.targets?.subarray(6) ?? [], [...soft.targets]);
    const hard = withPseudoLabels(
      labelled,
      unlabeled,
      pseudoLabel(LOGITS, 3, { mode: 'hard', threshold: 0, temperature: 1 }),
      3,
      'hard',
    );
    assert.strictEqual(hard.targets, undefined, 'hard labels need no soft targets');
    assert.deepStrictEqual([...hard.y], [2, 1, 0, 1, 0, 0, 2]);
  });
});

/** Noisy Student on the synthetic fixture: the first 96 training examples labelled, the next 160 unlabeled. */
function noisyExperiment(overrides: Partial<Experiment['distill']> = {}, extra: Partial<Experiment> = {}): Experiment {
  const base = syntheticExperiment();
  const data = { ...base.data, validationSplit: 0.25 } as Experiment['data'];
  return {
    ...base,
    name: 'noisy-student',
    data: {
      ...data,
      trainRange: [0, 96],
      unlabeled: { ...data, trainRange: [96, 256] } as Experiment['data'],
    },
    distill: {
      scheme: 'noisyStudent',
      cacheTeacher: true,
      losses: [{ type: 'ce', weight: 1 }],
      iterations: 2,
      pseudoLabels: 'soft',
      threshold: 0.3,
      perClass: 30,
      noise: { dropout: 0.3 },
      ...overrides,
    },
    train: { ...base.train, epochs: 2, maxStepsPerEpoch: 3 },
    ...extra,
  };
}

describe('Noisy Student: dropout noise before the logits', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('trains the same weights, is the identity in evaluation and drops inputs of the logits layer in training', () => {
    const specs: (MlpPreset | TransformerPreset)[] = [
      { preset: 'mlp', hidden: [16] },
      { preset: 'transformer', layers: 1, dModel: 8, heads: 2, ffn: 16 },
    ];
    for (const spec of specs) {
      const text = spec.preset === 'transformer';
      const built = buildModel(spec, {
        inputShape: text ? [6] : [12],
        classes: 3,
        vocabSize: text ? 20 : undefined,
        name: 'student',
        seed: 4,
      }).model;
      const noised = withLogitsDropout(built, 0.5, 4);
      assert.ok(
        noised.layers.some((l) => l.name === NOISE_DROPOUT_LAYER),
        spec.preset,
      );
      assert.strictEqual(noised.countParams(), built.countParams());
      assert.deepStrictEqual(
        noised.trainableWeights.map((w) => w.name),
        built.trainableWeights.map((w) => w.name),
      );
      const x = text ? tf.tensor2d([[1, 5, 7, 2, 0, 0]]) : tf.randomNormal([1, 12], 0, 1, 'float32', 2);
      const plain = built.predict(x) as tf.Tensor;
      const evaluated = noised.predict(x) as tf.Tensor;
      const trained = noised.apply(x, { training: true }) as tf.Tensor;
      assert.deepStrictEqual(
        [...evaluated.dataSync()],
        [...plain.dataSync()],
        `${spec.preset}: evaluation sees no noise`,
      );
      assert.notDeepStrictEqual([...trained.dataSync()], [...plain.dataSync()], `${spec.preset}: training does`);
      tf.dispose([x, plain, evaluated, trained]);
      noised.dispose();
    }
  });
});

describe('Noisy Student: unlabeled data', () => {
  it('trainRange slices training examples in source order; unlabeled data is normalised with the labelled statistics', async () => {
    const synthetic = syntheticExperiment().data;
    const options = { baseDir: tempDir(), seed: 1 };
    const whole = await loadDataset({ ...synthetic, validationSplit: 0 }, options);
    const data = await loadDataset(
      {
        ...synthetic,
        validationSplit: 0,
        normalize: 'standardize',
        trainRange: [0, 10],
        unlabeled: { ...synthetic, trainRange: [10, 30] } as Experiment['data'],
      },
      options,
    );
    assert.strictEqual(data.train.count, 10);
    assert.deepStrictEqual([...data.train.y], [...whole.train.y.subarray(0, 10)]);
    const unlabeled = data.unlabeled;
    assert.ok(unlabeled);
    assert.strictEqual(unlabeled.count, 20);
    // Its own labels are kept only to measure the pseudo-labels (same classes).
    assert.deepStrictEqual([...unlabeled.y], [...whole.train.y.subarray(10, 30)]);
    // Feature 0 standardised with the mean and std of the 10 labelled examples (population std).
    const f0 = Array.from({ length: 10 }, (_, i) => whole.train.x[i * 12]);
    const mean = f0.reduce((a, b) => a + b, 0) / 10;
    const std = Math.sqrt(f0.reduce((a, b) => a + (b - mean) ** 2, 0) / 10);
    assert.ok(Math.abs(unlabeled.x[0] - (whole.train.x[10 * 12] - mean) / std) < 1e-4);
    await assert.rejects(
      loadDataset(
        {
          ...synthetic,
          trainRange: [0, 10],
          unlabeled: { ...synthetic, trainRange: [10, 9999] },
        } as Experiment['data'],
        options,
      ),
      /data\.unlabeled\.trainRange \[10, 9999\] goes past the 320 training examples/,
    );
    await assert.rejects(
      loadDataset({ ...synthetic, unlabeled: { ...synthetic, shape: [6] } } as Experiment['data'], options),
      /data\.unlabeled: its examples have shape \[6\], the labelled data's \[12\]; they must match/,
    );
  });
});

describe('Noisy Student: unlabeled text', () => {
  it('is tokenized with the vocabulary and label mapping of the labelled data', async () => {
    const dir = path.resolve(__dirname, '../../../examples/text');
    const text = {
      dataset: 'text',
      train: 'reviews-train.csv',
      test: 'reviews-test.csv',
      tokenizer: { type: 'word', vocabSize: 200 },
      maxLength: 24,
      validationSplit: 0,
      normalize: 'none',
    };
    // The unlabeled "training" rows are the labelled test file: they must read exactly as the test split does.
    const data = await loadDataset(
      { ...text, unlabeled: { ...text, train: 'reviews-test.csv' } } as unknown as Experiment['data'],
      { baseDir: dir, seed: 1 },
    );
    assert.ok(data.unlabeled && data.vocabulary);
    assert.strictEqual(data.unlabeled.count, data.test.count);
    assert.deepStrictEqual([...data.unlabeled.x], [...data.test.x]);
    assert.deepStrictEqual([...data.unlabeled.y], [...data.test.y]);
  });
});

describe('Noisy Student end to end (real TF.js, synthetic data)', function () {
  this.timeout(300000);

  it('two rounds: teacher on labels, round-1 and round-2 each a stage with metrics, round-2 the product', async () => {
    // Round 2's student is larger than round 1's (distill.students), as the paper's can be.
    const students: Experiment['distill']['students'] = [
      { preset: 'mlp', hidden: [6] },
      { preset: 'mlp', hidden: [24] },
    ];
    const { runDir, summary } = await runExperiment(noisyExperiment({ students }, { baseline: true }), {
      runsDir: tempDir(),
    });
    assert.strictEqual(summary.status, 'done', summary.error);
    const events = readEvents(runDir);
    const stages = ['teacher', 'round-1', 'round-2', 'baseline'];
    assert.deepStrictEqual(
      ofType(events, 'stage-start').map((e) => e.stage),
      stages,
    );
    assert.deepStrictEqual(Object.keys(summary.models).sort(), [...stages].sort());
    for (const stage of stages) {
      assert.ok(
        ofType(events, 'epoch').some((e) => e.stage === stage),
        `${stage} has epoch events`,
      );
      assert.ok(Number.isFinite(summary.models[stage].best.test), `${stage} measured on the test set`);
    }
    assert.strictEqual(summary.product, 'round-2');
    // 12 inputs, 4 classes, one noise_dropout layer (no weights): (12·h + h) + (h·4 + 4).
    assert.strictEqual(summary.models['round-1'].summary.params, 12 * 6 + 6 + 6 * 4 + 4);
    assert.strictEqual(summary.models['round-2'].summary.params, 12 * 24 + 24 + 24 * 4 + 4);
    assert.strictEqual(summary.models['round-2'].role, 'student');
    assert.deepStrictEqual(summary.reference?.stages, ['teacher']);
    assert.ok(summary.agreement !== undefined && summary.kdGain !== undefined);
    // Each round is told its pseudo-labels: 160 unlabeled, balanced to 30 per class that has any.
    const logs = ofType(events, 'log').map((e) => e.message);
    for (const stage of ['round-1', 'round-2']) {
      const line = logs.find((m) => m.startsWith(`${stage}: soft pseudo-labels on 160 unlabeled examples`));
      assert.ok(line, `${stage} logs its pseudo-labels:\n${logs.join('\n')}`);
      const perClass = /per class \[([\d, ]+)\]/.exec(line)?.[1].split(', ').map(Number) ?? [];
      assert.ok(
        perClass.every((n) => n === 0 || n === 30),
        line,
      );
      assert.match(line, /agree with the source's own labels/);
    }
    // A round trains on 72 labelled (96 minus a quarter for validation) + its pseudo-labelled rows: more steps than the teacher.
    const starts = ofType(events, 'stage-start');
    const steps = (stage: string) => starts.find((s) => s.stage === stage)?.stepsPerEpoch;
    assert.strictEqual(steps('teacher'), 3);
    // The panel folds the rounds into columns of their own, the product first among the students.
    const view = reduceAll(emptyView(), events);
    const table = statsTable(view);
    assert.deepStrictEqual(
      table.columns.map((c) => [c.key, c.label, c.isProduct]),
      [
        ['teacher', 'teacher', false],
        ['round-2', 'student (distilled)', true],
        ['round-1', 'round-1', false],
        ['baseline', 'baseline', false],
      ],
    );
    assert.strictEqual(defaultChartStage(view), 'round-2');
    // The product saves with its noise layer (an ordinary Dropout, inactive at inference).
    const saved = await loadModel(path.join(runDir, 'checkpoints', 'round-2', 'best', 'model.json'));
    assert.ok(saved.layers.some((l) => l.name === NOISE_DROPOUT_LAYER && l.getClassName() === 'Dropout'));
    saved.dispose();
  });

  it('a stop in round 2 resumes there: the teacher and round 1 are reused, round 2 continues from its checkpoint', async () => {
    const runsDir = tempDir();
    let round2Steps = 0;
    const first = await runExperiment(
      noisyExperiment({ pseudoLabels: 'hard', perClass: undefined }, { baseline: false }),
      {
        runsDir,
        onEvent: (e) => void (e.type === 'step' && e.stage === 'round-2' && round2Steps++),
        shouldStop: () => round2Steps >= 4,
      },
    );
    assert.strictEqual(first.summary.status, 'stopped');
    const state = JSON.parse(fs.readFileSync(path.join(first.runDir, 'checkpoints', 'round-2', 'state.json'), 'utf8'));
    assert.deepStrictEqual([state.epoch, state.step], [1, 1], 'round 2 saved its position: 1 step into epoch 2');
    const firstLabels = ofType(readEvents(first.runDir), 'log').find((e) => e.message.startsWith('round-2:'))?.message;

    const before = readEvents(first.runDir).length;
    const second = await runExperiment(experimentOfRun(first.runDir), { runsDir, resumeDir: first.runDir });
    assert.strictEqual(second.summary.status, 'done', second.summary.error);
    const resumed = readEvents(first.runDir).slice(before);
    assert.deepStrictEqual(
      ofType(resumed, 'stage-start').map((s) => [s.stage, s.startEpoch]),
      [['round-2', 2]],
    );
    const logs = ofType(resumed, 'log').map((e) => e.message);
    assert.ok(logs.includes('stage "teacher" already complete; reusing its checkpoint'));
    assert.ok(logs.includes('stage "round-1" already complete; reusing its checkpoint'));
    // Round 2's pseudo-labels come from round 1's saved weights: the same as before the stop.
    assert.strictEqual(
      logs.find((m) => m.startsWith('round-2:')),
      firstLabels,
    );
    assert.strictEqual(second.summary.product, 'round-2');
    assert.strictEqual(second.summary.models['round-2'].last.epoch, 2);
  });

  it('a run without unlabeled data, or with a loss that needs the teacher per batch, fails with words', async () => {
    const noUnlabeled = noisyExperiment();
    noUnlabeled.data = { ...noUnlabeled.data, unlabeled: undefined };
    const a = await runExperiment(noUnlabeled, { runsDir: tempDir() });
    assert.strictEqual(a.summary.status, 'failed');
    assert.match(a.summary.error ?? '', /needs data\.unlabeled/);
    const b = await runExperiment(
      noisyExperiment({ losses: [{ type: 'kd', weight: 1, temperature: 4, scaleByTemperatureSquared: true }] }),
      { runsDir: tempDir() },
    );
    assert.strictEqual(b.summary.status, 'failed');
    assert.match(b.summary.error ?? '', /loss terms kd need a teacher's outputs per batch/);
  });
});

describe('Noisy Student: errors in the experiment file name the file, the position and what is expected', () => {
  function problems(extra: Record<string, unknown>) {
    const dir = writeFiles({ 'ns.kd.json': baseExperiment(extra) });
    return problemsOf(path.join(dir, 'ns.kd.json')).map(
      (p) => `${path.basename(p.file)}:${p.line} ${p.path}: ${p.message}`,
    );
  }
  const data = { dataset: 'synthetic', shape: [4], classes: 2, trainSize: 20, testSize: 10 };

  it('iterations, pseudoLabels, threshold and noise are checked by the schema', () => {
    const found = problems({
      data: { ...data, unlabeled: { ...data } },
      distill: {
        scheme: 'noisyStudent',
        iterations: 0,
        pseudoLabels: 'medium',
        threshold: 2,
        noise: { dropout: 1 },
        losses: [{ type: 'ce', weight: 1 }],
      },
    });
    assert.strictEqual(found.length, 4, found.join('\n'));
    assert.match(found[0], /^ns\.kd\.json:34 \$\.distill\.iterations: must be ≥ 1 \(got 0\)$/);
    assert.match(found[1], /^ns\.kd\.json:35 \$\.distill\.pseudoLabels: must be one of soft, hard \(got "medium"\)$/);
    assert.strictEqual(found[2], 'ns.kd.json:36 $.distill.threshold: must be ≤ 1 (got 2)');
    assert.strictEqual(found[3], 'ns.kd.json:38 $.distill.noise.dropout: must be < 1 (got 1)');
  });

  it('unlabeled data files are resolved against the file and checked like data files', () => {
    const dir = writeFiles({
      'ns.kd.json': baseExperiment({
        data: { ...data, unlabeled: { dataset: 'csv', train: './more/unlabeled.csv', labelColumn: 'label' } },
        distill: { scheme: 'noisyStudent', losses: [{ type: 'ce', weight: 1 }] },
      }),
    });
    const found = problemsOf(path.join(dir, 'ns.kd.json')).map((p) => `${p.path}: ${p.message}`);
    assert.deepStrictEqual(found, [
      `$.data.unlabeled.train: file not found: ${path.join(dir, 'more', 'unlabeled.csv')}`,
    ]);
  });

  it('distill.students holds one fresh model per round', () => {
    const found = problems({
      data: { ...data, unlabeled: { ...data } },
      distill: {
        scheme: 'noisyStudent',
        iterations: 3,
        students: [{ preset: 'mlp', hidden: [4] }, { load: './m/model.json' }],
        losses: [{ type: 'ce', weight: 1 }],
      },
    }).map((p) => p.replace(/^ns\.kd\.json:\d+ /, ''));
    assert.ok(
      found.includes('$.distill.students: expected one model per round: 3 rounds (iterations), 2 models'),
      found.join('\n'),
    );
    assert.ok(
      found.includes(
        '$.distill.students[1]: a round trains a fresh student: expected "layers" or "preset", not a saved or reused model',
      ),
      found.join('\n'),
    );
  });

  it('a missing or malformed unlabeled section, and losses other than ce, are named where they are written', () => {
    const ns = { scheme: 'noisyStudent', losses: [{ type: 'ce', weight: 1 }] };
    const missing = problems({ data, distill: ns });
    assert.strictEqual(missing.length, 1, missing.join('\n'));
    assert.match(missing[0], /^ns\.kd\.json:\d+ \$\.distill\.scheme: scheme "noisyStudent" needs data\.unlabeled/);
    const bad = problems({
      data: { ...data, unlabeled: { trainRange: [5, 2], augment: [] } },
      distill: {
        ...ns,
        losses: [
          { type: 'ce', weight: 0.5 },
          { type: 'kd', weight: 0.5 },
        ],
      },
    });
    assert.deepStrictEqual(
      bad.map((p) => p.replace(/^ns\.kd\.json:\d+ /, '')),
      [
        '$.data.unlabeled.dataset: required: unlabeled data names its source, e.g. { "dataset": "mnist", "trainRange": [1000, 21000] }',
        '$.data.unlabeled.trainRange: expected [start, end] with whole numbers 0 ≤ start < end (training examples start … end − 1)',
        '$.data.unlabeled.augment: not used for unlabeled data (all its training examples are pseudo-labelled; noise on the student is distill.noise.augment); remove it',
        '$.distill.losses[1].type: scheme "noisyStudent" trains each round with "ce" on labels and pseudo-labels (the teacher speaks through them); "kd" would need its outputs per batch',
      ],
    );
  });
});
