import * as assert from 'assert';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { endsWithSoftmax, ensureLogits, loadModel, saveModel } from '../../../src/engine/models';
import { assertClose, predictArray, tempDir, useCpuBackend } from './helpers';

function softmaxDenseModel(scale = 1): { model: tf.LayersModel; hidden: tf.LayersModel } {
  const input = tf.input({ shape: [3] });
  const hiddenOut = tf.layers
    .dense({ units: 4, activation: 'tanh', name: 'h', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
    .apply(input) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({
      units: 3,
      activation: 'softmax',
      name: 'probs',
      kernelInitializer: tf.initializers.constant({ value: 0 }),
    })
    .apply(hiddenOut) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.getLayer('probs').setWeights([
    tf
      .tensor2d([
        [1, -2, 0.5],
        [0, 1, -1],
        [2, 0.5, 0],
        [-1, 1, 1],
      ])
      .mul(scale),
    tf.tensor1d([0.1, 0, -0.1]).mul(scale),
  ]);
  return { model, hidden: tf.model({ inputs: input, outputs: hiddenOut }) };
}

/** The pre-softmax values z = h·W + b, computed independently of the model's last layer. */
function handLogits(model: tf.LayersModel, hidden: tf.LayersModel, x: tf.Tensor): number[][] {
  const [kernel, bias] = model.getLayer('probs').getWeights();
  return tf.tidy(() => (hidden.predict(x) as tf.Tensor).matMul(kernel).add(bias).arraySync() as number[][]);
}

describe('ensureLogits', () => {
  useCpuBackend();
  let x: tf.Tensor2D;
  before(() => {
    x = tf.tensor2d([
      [0.2, -1, 0.7],
      [1.5, 0.3, -0.4],
    ]);
  });

  it('returns the pre-softmax logits of a model ending in a softmax dense layer', () => {
    const { model, hidden } = softmaxDenseModel();
    assert.ok(endsWithSoftmax(model));
    const logits = ensureLogits(model);
    assert.notStrictEqual(logits, model);
    assert.ok(!endsWithSoftmax(logits));
    assert.deepStrictEqual(
      logits.layers.map((l) => l.name),
      model.layers.map((l) => l.name),
    );
    const z = predictArray(logits, x);
    assertClose(z, handLogits(model, hidden, x));
    // Same distribution at every temperature: softmax(z / T) equals the model's probabilities at T = 1.
    assertClose(
      tf.tidy(() => tf.softmax(tf.tensor2d(z)).arraySync() as number[][]),
      predictArray(model, x),
    );
    // And z is log p up to one constant per example.
    const logp = tf.tidy(() => tf.log(model.predict(x) as tf.Tensor).arraySync() as number[][]);
    z.forEach((row, i) => {
      const shift = row.map((v, j) => v - logp[i][j]);
      shift.forEach((s) => assert.ok(Math.abs(s - shift[0]) < 1e-5));
    });
  });

  it('stays finite where float32 softmax saturates to 0 (log p would be −∞)', () => {
    const { model, hidden } = softmaxDenseModel(200);
    const probs = predictArray(model, x).flat();
    assert.ok(
      probs.some((p) => p === 0),
      'the test needs a saturated probability',
    );
    const z = predictArray(ensureLogits(model), x);
    assert.ok(z.flat().every(Number.isFinite));
    assertClose(z, handLogits(model, hidden, x), 1e-3);
  });

  it('returns the input of a trailing softmax activation or Softmax layer, sharing the weights', () => {
    for (const last of [tf.layers.activation({ activation: 'softmax' }), tf.layers.softmax()]) {
      const input = tf.input({ shape: [3] });
      const dense = tf.layers.dense({
        units: 3,
        name: 'z',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      });
      const z = dense.apply(input) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: last.apply(z) as tf.SymbolicTensor });
      assert.ok(endsWithSoftmax(model));
      const logits = ensureLogits(model);
      assert.deepStrictEqual(logits.outputs[0].sourceLayer.name, 'z');
      assert.strictEqual(logits.getLayer('z'), dense);
      assertClose(
        predictArray(logits, x),
        tf.tidy(() => (dense.apply(x) as tf.Tensor).arraySync() as number[][]),
      );
    }
  });

  it('returns a logits model itself', () => {
    const seq = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    assert.ok(!endsWithSoftmax(seq));
    assert.strictEqual(ensureLogits(seq), seq);
  });

  it('works on a loaded Sequential softmax model and the result saves and loads', async () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [3],
          units: 4,
          activation: 'relu',
          name: 'a',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        }),
        tf.layers.dense({
          units: 2,
          activation: 'softmax',
          name: 'b',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
        }),
      ],
    });
    const dir = tempDir();
    await saveModel(seq, dir);
    const logits = ensureLogits(await loadModel(path.join(dir, 'model.json')));
    const expected = predictArray(seq, x);
    assertClose(
      tf.tidy(() => tf.softmax(logits.predict(x) as tf.Tensor).arraySync() as number[][]),
      expected,
    );
    await saveModel(logits, path.join(dir, 'logits'));
    const again = await loadModel(path.join(dir, 'logits', 'model.json'));
    assert.ok(!endsWithSoftmax(again));
    assertClose(predictArray(again, x), predictArray(logits, x));
  });
});
