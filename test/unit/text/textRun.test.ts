// A text experiment end to end on the wasm backend: a synthetic text task in a CSV, a transformer
// teacher trained first, then a transformer student (ce + jsd + cosine on block_1) and a BiLSTM
// student (reverseKl), each a few steps. The run folder holds vocab.json and loadable models.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../../../src/engine/config/types';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import { readEvents } from '../../../src/engine/store/runStore';
import { loadModel } from '../../../src/engine/models';
import { tempDir } from '../data/helpers';

/** Label: whether "good" comes before "bad" in a line of filler words (word order matters). */
function writeTask(dir: string): void {
  const words = ['the', 'a', 'film', 'was', 'plot', 'very', 'and', 'it'];
  let state = 7;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const rows = ['text,label'];
  for (let i = 0; i < 80; i++) {
    const line = Array.from({ length: 5 }, () => words[Math.floor(next() * words.length)]);
    const first = next() < 0.5 ? 'good' : 'bad';
    line.splice(1 + Math.floor(next() * 2), 0, first);
    line.splice(4, 0, first === 'good' ? 'bad' : 'good');
    rows.push(`${line.join(' ')},${first === 'good' ? 'pos' : 'neg'}`);
  }
  fs.writeFileSync(path.join(dir, 'task.csv'), rows.join('\n') + '\n');
}

function experiment(dir: string, student: Experiment['student'], losses: Experiment['distill']['losses']): Experiment {
  const train: Experiment['train'] = {
    epochs: 1,
    batchSize: 16,
    maxStepsPerEpoch: 3,
    optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
    schedule: { type: 'constant' },
  };
  return {
    name: 'text-task',
    sourceFile: path.join(dir, 'text.kd.json'),
    seed: 2,
    backend: 'wasm',
    data: {
      dataset: 'text',
      train: './task.csv',
      testSplit: 0.25,
      tokenizer: { type: 'word', vocabSize: 20 },
      maxLength: 10,
      validationSplit: 0.1,
      normalize: 'scale',
    },
    teacher: { preset: 'transformer', layers: 1, dModel: 8, heads: 2, ffn: 16, train },
    student,
    distill: { scheme: 'offline', cacheTeacher: true, losses },
    train,
    baseline: false,
  };
}

describe('text distillation end to end (wasm)', function () {
  this.timeout(120000);
  let previous: string;
  before(() => {
    previous = tf.getBackend() ?? 'cpu';
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  it('distils a transformer teacher into a transformer (jsd + cosine) and a BiLSTM (reverseKl), saving vocab.json', async () => {
    const dir = tempDir();
    writeTask(dir);
    const cases: [Experiment['student'], Experiment['distill']['losses'], string[]][] = [
      [
        { preset: 'transformer', layers: 1, dModel: 8, heads: 2, ffn: 8 },
        [
          { type: 'ce', weight: 0.5 },
          { type: 'jsd', weight: 0.5, beta: 0.5, temperature: 1, scaleByTemperatureSquared: true },
          { type: 'cosine', weight: 0.1, teacherLayer: 'block_1', studentLayer: 'block_1' },
        ],
        ['ce', 'cosine:block_1->block_1', 'jsd'],
      ],
      [
        { preset: 'bilstm', units: 4, embedding: 8 },
        [
          { type: 'ce', weight: 0.5 },
          { type: 'reverseKl', weight: 0.5, temperature: 2, scaleByTemperatureSquared: true },
        ],
        ['ce', 'reverseKl'],
      ],
    ];
    for (const [student, losses, names] of cases) {
      const { runDir, summary } = await runExperiment(experiment(dir, student, losses), {
        runsDir: path.join(dir, 'runs'),
      });
      assert.strictEqual(summary.status, 'done', summary.error);
      assert.strictEqual(tf.getBackend(), 'wasm');
      const vocab = JSON.parse(fs.readFileSync(path.join(runDir, 'vocab.json'), 'utf8'));
      assert.deepStrictEqual(vocab.vocab.slice(0, 3), ['[PAD]', '[UNK]', '[CLS]']);
      assert.ok(vocab.vocab.includes('good') && vocab.vocab.includes('bad'));
      assert.deepStrictEqual([vocab.labels, vocab.tokenizer, vocab.maxLength], [['neg', 'pos'], 'word', 10]);
      const steps = readEvents(runDir).filter((e) => e.type === 'step' && e.stage === 'student');
      assert.strictEqual(steps.length, 3);
      for (const step of steps) {
        if (step.type !== 'step') continue;
        assert.deepStrictEqual(Object.keys(step.losses).sort(), names);
        for (const value of Object.values(step.losses)) assert.ok(Number.isFinite(value) && value >= 0, `${value}`);
      }
      const saved = await loadModel(path.join(runDir, 'checkpoints', 'student', 'best', 'model.json'));
      const logits = saved.predict(tf.tensor2d([[2, 4, 5, 0, 0, 0, 0, 0, 0, 0]])) as tf.Tensor;
      assert.deepStrictEqual(logits.shape, [1, 2]);
      assert.ok(Array.from(logits.dataSync()).every(Number.isFinite));
      saved.dispose();
    }
  });

  it("runs TinyBERT's losses on mapped blocks from a teacher-initialised student, and draws the mapping", async () => {
    const dir = tempDir();
    writeTask(dir);
    const base = experiment(
      dir,
      { preset: 'transformer', layers: 1, dModel: 8, heads: 2, ffn: 16, initFromTeacher: 'uniform' },
      [
        { type: 'embedding', weight: 1, teacherLayer: 'embedding', studentLayer: 'embedding' },
        { type: 'attention', weight: 1 },
        { type: 'hidden', weight: 1 },
        { type: 'kd', weight: 1, temperature: 1, scaleByTemperatureSquared: true },
      ],
    );
    const exp: Experiment = { ...base, teacher: { ...(base.teacher as object), layers: 2 } as Experiment['student'] };
    const { runDir, summary } = await runExperiment(exp, { runsDir: path.join(dir, 'runs') });
    assert.strictEqual(summary.status, 'done', summary.error);
    const events = readEvents(runDir);
    const models = events.find((e) => e.type === 'models');
    assert.ok(models && models.type === 'models');
    const drawn = (loss: string) =>
      models.links.filter((l) => l.loss.startsWith(loss)).map((l) => `${l.studentLayer}<-${l.teacherLayer}`);
    assert.deepStrictEqual(drawn('initFromTeacher'), [
      'block_1_attention<-block_2_attention',
      'block_1<-block_2',
      'embedding<-embedding',
      'logits<-logits',
    ]);
    assert.deepStrictEqual(drawn('attention'), ['block_1_attention<-block_2_attention']);
    assert.deepStrictEqual(drawn('hidden'), ['block_1<-block_2']);
    const step = events.find((e) => e.type === 'step' && e.stage === 'student');
    assert.ok(step && step.type === 'step');
    assert.deepStrictEqual(Object.keys(step.losses).sort(), [
      'attention:block_2->block_1',
      'embedding:embedding->embedding',
      'hidden:block_2->block_1',
      'kd',
    ]);
    for (const value of Object.values(step.losses)) assert.ok(Number.isFinite(value) && value >= 0, `${value}`);
  });
});
