import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { LossSpec } from '../../../src/engine/config/types';
import type { LossInputs, LossTerm } from '../../../src/engine/losses/types';
import { createExitHead, exitObjective } from '../../../src/engine/schemes/exitHeads';

interface Stub extends LossTerm {
  seen: LossInputs[];
}

function stub(
  name: string,
  needsTeacher: boolean,
  layers: { student?: string[]; teacher?: string[] } = {},
  compute?: (i: LossInputs) => tf.Scalar,
): Stub {
  const seen: LossInputs[] = [];
  const adapter = layers.student ? [tf.variable(tf.zeros([1]), true)] : [];
  return {
    name,
    needsTeacher,
    weight: 1,
    spec: { type: 'ce', weight: 1 } as LossSpec,
    seen,
    studentLayers: layers.student ?? [],
    teacherLayers: layers.teacher ?? [],
    trainableVariables: () => adapter,
    stateVariables: () => [],
    adapters: () => ({}),
    dispose: () => tf.dispose(adapter),
    compute: (inputs) => {
      seen.push(inputs);
      return compute ? compute(inputs) : tf.scalar(0);
    },
  };
}

describe('deep-to-shallow exits (exitHeads.ts)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('pools a feature map over space, then applies a dense layer to the classes', () => {
    const head = createExitHead('conv1', [2, 2, 3], 4, 7);
    const [kernel, bias] = head.variables;
    assert.deepStrictEqual(kernel.shape, [3, 4]);
    bias.assign(tf.tensor1d([0.5, -0.5, 1, 0]));
    const values = Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => (i % 5) - 2);
    const features = tf.tensor4d(values, [2, 2, 2, 3]);
    const out = head.apply(features).arraySync() as number[][];
    const k = kernel.arraySync() as number[][];
    const b = [0.5, -0.5, 1, 0];
    for (let n = 0; n < 2; n++) {
      const pooled = [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((s, p) => s + values[n * 12 + p * 3 + c], 0) / 4);
      for (let j = 0; j < 4; j++) {
        const expected = pooled.reduce((s, v, c) => s + v * k[c][j], b[j]);
        assert.ok(Math.abs(out[n][j] - expected) < 1e-5, `example ${n} class ${j}: ${out[n][j]} vs ${expected}`);
      }
    }
    features.dispose();
    head.dispose();
  });

  it('flattens other ranks and reads dense outputs as they are', () => {
    const flat = createExitHead('seq', [2, 3], 5, 1);
    assert.deepStrictEqual(flat.variables[0].shape, [6, 5]);
    const out = flat.apply(tf.ones([4, 2, 3]));
    assert.deepStrictEqual(out.shape, [4, 5]);
    const dense = createExitHead('fc1', [8], 3, 1);
    assert.deepStrictEqual(dense.variables[0].shape, [8, 3]);
    tf.dispose(out);
    flat.dispose();
    dense.dispose();
  });

  it('spreads logit terms over the exits and applies layer terms once, on the student’s own layers', () => {
    const ce = stub('ce', false);
    const kd = stub('kd', true);
    const hint = stub('hint:fc2->conv1', true, { student: ['conv1'], teacher: ['fc2'] });
    const heads = [createExitHead('conv1', [2, 2, 3], 4, 1), createExitHead('fc1', [5], 4, 2)];
    const objective = exitObjective([ce, kd, hint], heads);
    assert.deepStrictEqual(
      objective.terms.map((t) => t.name),
      ['ce', 'ce@conv1', 'kd@conv1', 'ce@fc1', 'kd@fc1', 'hint:fc2->conv1'],
    );
    assert.ok(
      objective.terms.every((t) => !t.needsTeacher && t.teacherLayers.length === 0),
      'no frozen teacher is needed',
    );
    assert.deepStrictEqual(objective.terms.find((t) => t.name === 'hint:fc2->conv1')?.studentLayers.sort(), [
      'conv1',
      'fc2',
    ]);
    const trained = objective.terms.flatMap((t) => t.trainableVariables());
    assert.strictEqual(new Set(trained).size, trained.length, 'each variable is listed once');
    assert.strictEqual(trained.length, 2 + 2 + 1, 'both heads (kernel, bias) and the hint adapter');
    objective.dispose();
    assert.ok(heads.every((h) => h.variables.every((v) => v.isDisposed)));
  });

  it('teaches an exit from the final logits without sending gradient into them', () => {
    const finalSource = tf.variable(
      tf.tensor2d([
        [1, 2, 0, -1],
        [0, 1, 3, 1],
      ]),
    );
    const featureSource = tf.variable(
      tf.tensor2d([
        [0.5, 1, -1, 2, 0],
        [1, 0, 0, 1, 1],
      ]),
    );
    // kd stub: Σ teacher · student, so its gradient reaches the teacher side unless detached.
    const kd = stub('kd', true, {}, (i) => tf.sum(tf.mul(i.teacherLogits as tf.Tensor, i.studentLogits)) as tf.Scalar);
    const head = createExitHead('fc1', [5], 4, 3);
    const objective = exitObjective([kd], [head]);
    const term = objective.terms.find((t) => t.name === 'kd@fc1') as LossTerm;
    const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 4).toFloat() as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => {
      const finalLogits = tf.mul(finalSource, 1) as tf.Tensor2D;
      const features = tf.mul(featureSource, 1);
      return term.compute({
        studentLogits: finalLogits,
        labels,
        studentFeatures: { fc1: features },
        teacherFeatures: {},
        epoch: 1,
      });
    }, [finalSource, featureSource, ...head.variables]);
    const finalGrad = grads[finalSource.name];
    assert.ok(
      !finalGrad || Array.from(finalGrad.dataSync()).every((g) => g === 0),
      'the final logits act as a constant teacher',
    );
    // The head's bias gradient is Σ over the batch of the teacher logits: (1, 3, 3, 0).
    assert.deepStrictEqual(Array.from(grads[head.variables[1].name].dataSync()), [1, 3, 3, 0]);
    assert.ok(
      Array.from(grads[featureSource.name].dataSync()).some((g) => g !== 0),
      'the backbone below the exit learns',
    );
    // The teacher logits handed to the inner term equal the final logits.
    assert.strictEqual(kd.seen.length, 1);
    tf.dispose([value, labels, finalSource, featureSource, ...Object.values(grads)]);
    objective.dispose();
  });
});
