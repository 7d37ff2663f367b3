// Residual blocks and depthwise convolutions written in a layer list: the sum against a direct
// computation, projection shortcuts, names the panel groups and losses tap, and clear errors.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel, summarizeModel, tapModel } from '../../../src/engine/models';
import type { LayerSpec } from '../../../src/engine/config/types';
import { assertClose, useCpuBackend } from './helpers';

const ctx = { inputShape: [8, 8, 2], classes: 3, name: 'r', seed: 5 };
const build = (layers: LayerSpec[]) => buildModel({ layers }, ctx);

describe('residual blocks in layer lists', () => {
  useCpuBackend();

  it('adds the body to its input (identity shortcut), then the activation', () => {
    const { model, tappable } = build([
      {
        type: 'residual',
        layers: [{ type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same' }],
        shortcut: 'identity',
        activation: 'relu',
      },
    ]);
    assert.deepStrictEqual(tappable.slice(0, 3), ['block1_conv2d_1', 'block1_add', 'block1']);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 7);
    const [kernel, bias] = model.getLayer('block1_conv2d_1').getWeights();
    const expected = tf.relu(tf.add(tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'same'), bias), x));
    const tapped = tapModel(model, ['block1']);
    const out = tapped.predict(x) as tf.Tensor[];
    assertClose(Array.from(out[0].dataSync()), Array.from(expected.dataSync()), 1e-5);
    const summary = summarizeModel(model, 'r');
    assert.deepStrictEqual(summary.layers.find((l) => l.name === 'block1_add')?.inbound, ['block1_conv2d_1', 'input']);
  });

  it('projects the shortcut with a strided 1×1 convolution and batch norm when the body changes the shape', () => {
    const { model } = build([
      {
        type: 'residual',
        name: 'down',
        layers: [
          { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
          { type: 'batchNormalization' },
        ],
        shortcut: 'projection',
      },
    ]);
    const proj = model.getLayer('down_proj');
    assert.deepStrictEqual(proj.outputShape, [null, 4, 4, 4]);
    assert.deepStrictEqual((proj.getConfig() as { strides: number[] }).strides, [2, 2]);
    assert.strictEqual(proj.countParams(), 2 * 4);
    assert.strictEqual(model.getLayer('down_proj_bn').getClassName(), 'BatchNormalization');
    assert.deepStrictEqual(model.getLayer('down').outputShape, [null, 4, 4, 4]);
    // 1×1 projection: 4·4 positions × 2 input channels × 4 filters.
    assert.strictEqual(summarizeModel(model, 'r').layers.find((l) => l.name === 'down_proj')?.macs, 16 * 2 * 4);
  });

  it('nests blocks and keeps user names; a dense body projects with a bias-free dense layer', () => {
    const { model } = build([
      { type: 'flatten' },
      { type: 'residual', layers: [{ type: 'dense', units: 6, name: 'inner' }], shortcut: 'projection' },
      {
        type: 'residual',
        layers: [{ type: 'residual', layers: [{ type: 'dense', units: 6 }] }],
      },
    ]);
    assert.strictEqual(model.getLayer('block1_proj').countParams(), 128 * 6);
    assert.ok(model.getLayer('inner'));
    assert.deepStrictEqual(model.getLayer('block2').outputShape, [null, 6]);
    assert.ok(model.getLayer('block2_residual_1'));
  });

  it('says what is wrong when an identity shortcut cannot match, or a projection cannot', () => {
    assert.throws(
      () => build([{ type: 'residual', layers: [{ type: 'conv2d', filters: 4, kernelSize: 1 }] }]),
      /residual block "block1": an identity shortcut needs the body's output shape \[8, 8, 4\] to equal its input shape \[8, 8, 2\]; use "shortcut": "projection"/,
    );
    assert.throws(
      () =>
        build([{ type: 'residual', layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }], shortcut: 'projection' }]),
      /cannot map the input \[8, 8, 2\] to the body's output \[6, 6, 2\]/,
    );
  });

  it('builds depthwise convolutions with their parameter and MAC counts', () => {
    const { model } = build([
      { type: 'depthwiseConv2d', kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw' },
    ]);
    const layer = model.getLayer('dw');
    assert.strictEqual(layer.getClassName(), 'DepthwiseConv2D');
    assert.deepStrictEqual(layer.outputShape, [null, 8, 8, 4]);
    assert.strictEqual(layer.countParams(), 3 * 3 * 2 * 2 + 4);
    assert.strictEqual(summarizeModel(model, 'r').layers.find((l) => l.name === 'dw')?.macs, 64 * 9 * 2 * 2);
  });
});
