import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerm, hintLoss } from '../../../src/engine/losses';
import type { LossContext, LossInputs } from '../../../src/engine/losses';
import { hintRef } from './reference';
import {
  assertAllClose,
  assertClose,
  checkGradient,
  f32,
  finiteDifferences,
  oneHot,
  randomArr,
  scalarOf,
  tensor,
  type Arr,
} from './numeric';

const ctx: LossContext = {
  teacherShapes: { fc: [6], conv: [2, 2, 5], conv3: [3, 3, 2], same: [4] },
  studentShapes: { fc: [4], conv: [4, 4, 3], conv5: [5, 5, 2], same: [4] },
  classes: 3,
  seed: 7,
};

function inputs(student: Record<string, Arr>, teacher: Record<string, Arr>): LossInputs {
  const map = (r: Record<string, Arr>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, tensor(v)]));
  return {
    studentLogits: tf.zeros([2, 3]),
    teacherLogits: tf.zeros([2, 3]),
    labels: tensor(oneHot([0, 1], 3)) as tf.Tensor2D,
    studentFeatures: map(student),
    teacherFeatures: map(teacher),
    epoch: 1,
  };
}

function read(v: tf.Variable): number[] {
  return Array.from(v.dataSync());
}

function toMatrix(flat: number[], r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => flat.slice(i * c, (i + 1) * c));
}

describe('losses: hint (FitNets)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('regresses vector features with a dense layer: mean((S·W + b − T)²), gradients for S, W and b', () => {
    const term = createLossTerm({ type: 'hint', weight: 1, teacherLayer: 'fc', studentLayer: 'fc' }, ctx);
    assert.strictEqual(term.name, 'hint:fc->fc');
    assert.deepStrictEqual(term.adapters(), { fc: 'dense 4->6' });
    const [kernel, bias] = term.trainableVariables();
    assert.deepStrictEqual([kernel.shape, bias.shape], [[4, 6], [6]]);
    bias.assign(tf.tensor1d([0.1, -0.2, 0.3, 0, 0.05, -0.1]));
    const s = randomArr([2, 4], 1);
    const t = randomArr([2, 6], 2);
    const W = read(kernel);
    const b = read(bias);
    const ref = (sData: number[], wData: number[], bData: number[]) =>
      hintRef({ shape: [2, 4], data: sData }, t, toMatrix(wData, 4, 6), bData);
    const batch = inputs({ fc: s }, { fc: t });
    assertClose(
      scalarOf(() => term.compute(batch)),
      ref(f32(s).data, W, b),
      1e-5,
    );

    const { grads } = tf.variableGrads(() => term.compute(batch), [kernel, bias]);
    assertAllClose(
      Array.from(grads[kernel.name].dataSync()),
      finiteDifferences((w) => ref(f32(s).data, w, b), W),
      2e-5,
      2e-3,
      'kernel gradient',
    );
    assertAllClose(
      Array.from(grads[bias.name].dataSync()),
      finiteDifferences((bb) => ref(f32(s).data, W, bb), b),
      2e-5,
      2e-3,
      'bias gradient',
    );
    tf.dispose(Object.values(grads));
    checkGradient(
      (x) => hintLoss(x, tensor(t), { kernel: kernel as tf.Tensor2D, bias: bias as tf.Tensor1D }),
      (data) => ref(data, W, b),
      f32(s),
    );
    term.dispose();
    assert.ok(kernel.isDisposed && bias.isDisposed, 'dispose frees the regressor');
  });

  it('regresses feature maps with a 1×1 convolution after pooling the larger map to the smaller size', () => {
    const term = createLossTerm({ type: 'hint', weight: 1, teacherLayer: 'conv', studentLayer: 'conv' }, ctx);
    assert.deepStrictEqual(term.adapters(), { conv: '1x1 conv 3->5' });
    const [kernel, bias] = term.trainableVariables();
    assert.deepStrictEqual(kernel.shape, [3, 5]);
    const s = f32(randomArr([2, 4, 4, 3], 3));
    const t = randomArr([2, 2, 2, 5], 4);
    const W = read(kernel);
    const b = read(bias);
    const ref = (sData: number[], wData: number[]) =>
      hintRef({ shape: s.shape, data: sData }, t, toMatrix(wData, 3, 5), b);
    const batch = inputs({ conv: s }, { conv: t });
    assertClose(
      scalarOf(() => term.compute(batch)),
      ref(s.data, W),
      1e-5,
    );
    checkGradient(
      (x) => hintLoss(x, tensor(t), { kernel: kernel as tf.Tensor2D, bias: bias as tf.Tensor1D }),
      (data) => ref(data, W),
      s,
    );
    const { grads } = tf.variableGrads(() => term.compute(batch), [kernel]);
    assertAllClose(
      Array.from(grads[kernel.name].dataSync()),
      finiteDifferences((w) => ref(s.data, w), W),
      2e-5,
      2e-3,
      'kernel gradient',
    );
    tf.dispose(Object.values(grads));
    term.dispose();
  });

  it('compares maps of equal channels directly, pooling a 5×5 map to 3×3 (non-integer ratio)', () => {
    const term = createLossTerm({ type: 'hint', weight: 1, teacherLayer: 'conv3', studentLayer: 'conv5' }, ctx);
    assert.deepStrictEqual(term.trainableVariables(), []);
    assert.deepStrictEqual(term.adapters(), {});
    const s = f32(randomArr([2, 5, 5, 2], 5));
    const t = randomArr([2, 3, 3, 2], 6);
    assertClose(
      scalarOf(() => term.compute(inputs({ conv5: s }, { conv3: t }))),
      hintRef(s, t),
      1e-6,
    );
    checkGradient(
      (x) => hintLoss(x, tensor(t)),
      (data) => hintRef({ shape: s.shape, data }, t),
      s,
    );
  });

  it('is zero for identical features of the same shape, with no regressor', () => {
    const term = createLossTerm({ type: 'hint', weight: 1, teacherLayer: 'same', studentLayer: 'same' }, ctx);
    const x = randomArr([3, 4], 9);
    assert.strictEqual(
      scalarOf(() => term.compute(inputs({ same: x }, { same: x }))),
      0,
    );
  });

  it('seeds its regressor from the experiment seed', () => {
    const spec = { type: 'hint' as const, weight: 1, teacherLayer: 'fc', studentLayer: 'fc' };
    const [a, b, c] = [ctx, ctx, { ...ctx, seed: 8 }].map((context) => createLossTerm(spec, context));
    const kernels = [a, b, c].map((term) => read(term.trainableVariables()[0]));
    assert.deepStrictEqual(kernels[0], kernels[1]);
    assert.notDeepStrictEqual(kernels[0], kernels[2]);
    [a, b, c].forEach((term) => term.dispose());
  });

  it('names the loss, the layer and the alternatives when a layer is unknown', () => {
    assert.throws(
      () => createLossTerm({ type: 'hint', weight: 1, teacherLayer: 'block9', studentLayer: 'fc' }, ctx),
      (e: Error) =>
        e.message === 'hint: teacher layer "block9" not found; available teacher layers: fc, conv, conv3, same',
    );
    assert.throws(
      () => createLossTerm({ type: 'hint', weight: 1, teacherLayer: 'fc', studentLayer: 'nope' }, ctx),
      /hint: student layer "nope" not found; available student layers: fc, conv, conv5, same/,
    );
    assert.throws(
      () =>
        createLossTerm(
          { type: 'hint', weight: 1, teacherLayer: 'fc', studentLayer: 'fc' },
          { ...ctx, teacherShapes: {} },
        ),
      /hint: teacher layer "fc" not found \(this stage has no teacher layers to read\); available teacher layers: \(none\)/,
    );
  });
});
