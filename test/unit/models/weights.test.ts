import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel, cloneModel, copyWeights, measureLatencyMs } from '../../../src/engine/models';
import { predictArray, useCpuBackend, weightValues } from './helpers';

describe('copyWeights / cloneModel', () => {
  useCpuBackend();
  const ctx = { inputShape: [6, 6, 1], classes: 3, name: 'r', seed: 1 };

  it('clones topology, names and weights into independent variables', () => {
    const { model } = buildModel({ preset: 'resnet', blocks: [1], width: 2 }, ctx);
    const clone = cloneModel(model);
    assert.notStrictEqual(clone, model);
    assert.deepStrictEqual(
      clone.layers.map((l) => l.name),
      model.layers.map((l) => l.name),
    );
    const x = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 3);
    assert.deepStrictEqual(predictArray(clone, x), predictArray(model, x));
    const original = weightValues(model);
    clone.setWeights(clone.getWeights().map((w) => tf.zerosLike(w)));
    assert.deepStrictEqual(weightValues(model), original);
  });

  it('clones Sequential models', () => {
    const seq = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [2], units: 3 }), tf.layers.dense({ units: 1 })],
    });
    const clone = cloneModel(seq);
    const x = tf.tensor2d([[1, -1]]);
    assert.deepStrictEqual(predictArray(clone, x), predictArray(seq, x));
  });

  it('copies weights between models of one architecture and rejects others', () => {
    const a = buildModel({ preset: 'mlp', hidden: [4] }, { inputShape: [3], classes: 2, name: 'a', seed: 1 }).model;
    const b = buildModel({ preset: 'mlp', hidden: [4] }, { inputShape: [3], classes: 2, name: 'b', seed: 2 }).model;
    assert.notDeepStrictEqual(weightValues(a), weightValues(b));
    copyWeights(a, b);
    assert.deepStrictEqual(weightValues(b), weightValues(a));
    // a's variables are untouched and still usable.
    assert.deepStrictEqual(predictArray(a, tf.ones([1, 3])), predictArray(b, tf.ones([1, 3])));
    const wider = buildModel({ preset: 'mlp', hidden: [5] }, { inputShape: [3], classes: 2, name: 'c', seed: 1 }).model;
    assert.throws(() => copyWeights(a, wider), /hidden_1\/kernel has shape \[3,4\] but hidden_1\/kernel has \[3,5\]/);
    const deeper = buildModel(
      { preset: 'mlp', hidden: [4, 4] },
      { inputShape: [3], classes: 2, name: 'd', seed: 1 },
    ).model;
    assert.throws(() => copyWeights(a, deeper), /4 weights.*6 weights/);
  });
});

describe('measureLatencyMs', () => {
  useCpuBackend();

  it('returns a positive time and leaves no tensors behind', () => {
    const { model } = buildModel(
      { preset: 'mlp', hidden: [8] },
      { inputShape: [4, 4, 1], classes: 3, name: 'm', seed: 1 },
    );
    model.predict(tf.zeros([1, 4, 4, 1])); // build lazily created state before counting
    const before = tf.memory().numTensors;
    const ms = measureLatencyMs(model, [4, 4, 1], 5);
    assert.ok(Number.isFinite(ms) && ms > 0, `latency ${ms}`);
    assert.strictEqual(tf.memory().numTensors, before);
  });
});
