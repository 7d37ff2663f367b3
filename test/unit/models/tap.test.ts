import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel, tapModel } from '../../../src/engine/models';
import { assertClose, predictArray, useCpuBackend } from './helpers';

describe('tapModel', () => {
  useCpuBackend();

  it("returns the named layers' outputs and then the logits", () => {
    const { model } = buildModel(
      { preset: 'resnet', blocks: [1, 1], width: 2 },
      { inputShape: [8, 8, 1], classes: 3, name: 'r', seed: 1 },
    );
    const tapped = tapModel(model, ['stage1_block1_out', 'stage2_block1_out', 'gap']);
    assert.deepStrictEqual(
      tapped.outputs.map((o) => o.shape),
      [
        [null, 8, 8, 2],
        [null, 4, 4, 4],
        [null, 4],
        [null, 3],
      ],
    );
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1);
    const outs = tapped.predict(x) as tf.Tensor[];
    assert.strictEqual(outs.length, 4);
    assertClose(outs[3].arraySync() as number[][], predictArray(model, x));
    assertClose(
      outs[2].arraySync() as number[][],
      (
        tf
          .model({ inputs: model.inputs, outputs: model.getLayer('gap').output as tf.SymbolicTensor })
          .predict(x) as tf.Tensor
      ).arraySync() as number[][],
    );
  });

  it('shares weights: training the tapped model trains the original', () => {
    const { model } = buildModel({ preset: 'mlp', hidden: [4] }, { inputShape: [3], classes: 2, name: 'm', seed: 1 });
    const tapped = tapModel(model, ['hidden_1']);
    assert.strictEqual(tapped.trainableWeights.length, model.trainableWeights.length);
    tapped.trainableWeights.forEach((w, i) => assert.strictEqual(w, model.trainableWeights[i]));
    const x = tf.tensor2d([
      [1, 2, 3],
      [-1, 0, 1],
    ]);
    const before = predictArray(model, x);
    const optimizer = tf.train.sgd(0.5);
    optimizer.minimize(() => {
      const [feature, logits] = tapped.apply(x, { training: true }) as tf.Tensor[];
      return tf.add(tf.mean(tf.square(feature)), tf.mean(tf.square(logits))) as tf.Scalar;
    });
    const after = predictArray(model, x);
    assert.notDeepStrictEqual(after, before);
    assertClose((tapped.predict(x) as tf.Tensor[])[1].arraySync() as number[][], after);
  });

  it('taps layers of Sequential models', () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 5, name: 'first' }),
        tf.layers.dense({ units: 2, name: 'second' }),
      ],
    });
    const tapped = tapModel(seq, ['first']);
    assert.deepStrictEqual(
      tapped.outputs.map((o) => o.shape),
      [
        [null, 5],
        [null, 2],
      ],
    );
  });

  it('rejects unknown layer names, listing the available ones', () => {
    const { model } = buildModel({ preset: 'mlp', hidden: [4] }, { inputShape: [3], classes: 2, name: 'm', seed: 1 });
    assert.throws(
      () => tapModel(model, ['hidden_9']),
      /no layer "hidden_9" to tap; available layers: hidden_1, logits/,
    );
    assert.throws(() => tapModel(model, ['input']), /no layer "input"/);
  });
});
