// Every reference preset trains on the wasm backend: one optimisation step at 32×32×3 runs, and
// its gradients (convolution, depthwise, pooling and batch-norm kernels, residual sums) equal the
// cpu backend's on a small input. Tiny widths keep this fast; the architecture is the same at any
// width. The comparison runs batch norm in inference mode: in training mode a deep net at a tiny
// width normalises near-constant channels over four examples, so float rounding flips ReLUs and
// moves gradients by percents on either backend; training-mode batch norm is compared on ResNet-20.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/engine/backend/select';
import { buildModel, type BuildableSpec } from '../../../src/engine/models';
import { values } from './helpers';

const PRESETS: [string, BuildableSpec][] = [
  ['vgg-11', { preset: 'vgg', depth: 11, width: 0.125 }],
  ['resnet-18', { preset: 'resnet', depth: 18, width: 0.125 }],
  ['resnet-20', { preset: 'resnet', depth: 20, width: 0.25 }],
  ['resnet8x4', { preset: 'resnet', depth: '8x4', width: 0.125 }],
  ['wrn-16-2', { preset: 'wrn', depth: 16, widen: 2, width: 0.25 }],
  ['mobilenetV2', { preset: 'mobilenetV2', width: 0.25 }],
];
const CLASSES = 5;
/** The small input of the gradient comparison: every preset still reaches a 1×1 map or larger. */
const SIDE = 16;

function batch(n: number, side: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const x = tf.tensor4d(values(n * side * side * 3, 11), [n, side, side, 3]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % CLASSES),
      'int32',
    ),
    CLASSES,
  ) as tf.Tensor2D;
  return { x, y };
}

function loss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor2D, training = true): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training }) as tf.Tensor2D) as tf.Scalar;
}

/** The gradients of a CE loss with respect to every trainable weight, in order, from fixed weights. */
async function gradientsOn(
  backend: string,
  spec: BuildableSpec,
  weights: Float32Array[],
  training: boolean,
): Promise<Float32Array[]> {
  await selectBackend(backend as 'cpu' | 'wasm');
  const { model } = buildModel(spec, { inputShape: [SIDE, SIDE, 3], classes: CLASSES, name: 'g', seed: 2 });
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
  const { x, y } = batch(2, SIDE);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => loss(model, x, y, training), variables);
  const out = variables.map((v) => grads[v.name].dataSync() as Float32Array);
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] ** 2;
  return Math.sqrt(sum);
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  return norm(actual.map((a, i) => a - expected[i])) / Math.max(norm(expected), 1e-12);
}

/**
 * Each weight's gradient within `tolerance` of the cpu backend's, relative to its own norm or, for
 * gradients that are zero in exact arithmetic (a bias or β feeding straight into batch norm), to a
 * thousandth of the largest gradient.
 */
function assertGradientsMatch(wasm: Float32Array[], cpu: Float32Array[], tolerance: number): void {
  const largest = Math.max(...cpu.map(norm));
  cpu.forEach((g, i) => {
    const error = norm(wasm[i].map((a, k) => a - g[k])) / Math.max(norm(g), 1e-3 * largest);
    assert.ok(error < tolerance, `weight ${i}: relative gradient error ${error}`);
  });
}

async function compareGradients(spec: BuildableSpec, training: boolean, tolerance: number): Promise<void> {
  await selectBackend('cpu');
  const small = buildModel(spec, { inputShape: [SIDE, SIDE, 3], classes: CLASSES, name: 'w', seed: 2 }).model;
  const weights = small.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  small.dispose();
  const cpu = await gradientsOn('cpu', spec, weights, training);
  const wasm = await gradientsOn('wasm', spec, weights, training);
  assertGradientsMatch(wasm, cpu, tolerance);
}

describe('reference presets on the wasm backend', function () {
  let previous: string;
  before(() => {
    previous = tf.getBackend() ?? 'cpu';
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  for (const [name, spec] of PRESETS) {
    it(`${name}: one training step at 32×32×3 updates the weights; gradients equal the cpu backend's`, async () => {
      await selectBackend('wasm');
      const { model } = buildModel(spec, { inputShape: [32, 32, 3], classes: CLASSES, name: 's', seed: 1 });
      const { x, y } = batch(4, 32);
      const before = model.trainableWeights.map((w) => w.read().dataSync().slice() as Float32Array);
      const optimizer = tf.train.sgd(0.1);
      const cost = optimizer.minimize(() => loss(model, x, y), true) as tf.Scalar;
      const value = cost.dataSync()[0];
      assert.ok(Number.isFinite(value) && value > 0, `loss ${value}`);
      const changed = model.trainableWeights.filter(
        (w, i) => relativeError(w.read().dataSync() as Float32Array, before[i]) > 0,
      );
      assert.strictEqual(changed.length, model.trainableWeights.length, 'every trainable weight moved');
      tf.dispose([x, y, cost]);
      optimizer.dispose();
      model.dispose();
      await compareGradients(spec, false, 1e-4);
    });
  }

  it("resnet-20: training-mode batch-norm gradients equal the cpu backend's", async () => {
    await compareGradients({ preset: 'resnet', depth: 20, width: 0.25 }, true, 1e-3);
  });
});
