import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kd-models-'));
}

export function useCpuBackend(): void {
  before(async () => {
    await tf.setBackend('cpu');
  });
}

export function predictArray(model: tf.LayersModel, x: tf.Tensor): number[][] {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);
}

export function assertClose(actual: number[][] | number[], expected: number[][] | number[], tolerance = 1e-5): void {
  const a = (actual as number[]).flat(2) as number[];
  const e = (expected as number[]).flat(2) as number[];
  assert.strictEqual(a.length, e.length, 'lengths differ');
  a.forEach((v, i) => assert.ok(Math.abs(v - e[i]) <= tolerance, `element ${i}: ${v} vs ${e[i]}`));
}

export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

/**
 * Writes, in `dir`, a model.json as tensorflowjs_converter writes it for a Keras 3 functional model
 * (InputLayer `batch_shape`, DTypePolicy objects, `{ args, kwargs }` inbound nodes, module fields),
 * with weights sin(1), sin(2), … in manifest order. The model: input [4,4,2] → conv2d (3×3, 2, same,
 * relu) → batch_normalization → add (with the input) → global_average_pooling2d → dense (3, softmax).
 */
export function writeKeras3Model(dir: string): { file: string; weights: Float32Array } {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = (name: string): object => ({
    module: 'keras.initializers',
    class_name: name,
    config: name === 'Zeros' || name === 'Ones' ? {} : { seed: null },
    registered_name: null,
  });
  const tensor = (name: string, shape: (number | null)[]): object => ({
    class_name: '__keras_tensor__',
    config: { shape, dtype: 'float32', keras_history: [name, 0, 0] },
  });
  const layer = (className: string, name: string, config: object, args: unknown[], kwargs: object = {}): object => ({
    module: 'keras.layers',
    class_name: className,
    config: { name, trainable: true, dtype: policy, ...config },
    registered_name: null,
    name,
    inbound_nodes: args.length > 0 ? [{ args, kwargs }] : [],
  });
  const layers = [
    {
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: [null, 4, 4, 2], dtype: 'float32', sparse: false, name: 'input_layer' },
      registered_name: null,
      name: 'input_layer',
      inbound_nodes: [],
    },
    layer(
      'Conv2D',
      'conv2d',
      {
        filters: 2,
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: 'same',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        groups: 1,
        activation: 'relu',
        use_bias: true,
        kernel_initializer: init('GlorotUniform'),
        bias_initializer: init('Zeros'),
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
      [tensor('input_layer', [null, 4, 4, 2])],
    ),
    layer(
      'BatchNormalization',
      'batch_normalization',
      {
        axis: -1,
        momentum: 0.99,
        epsilon: 0.001,
        center: true,
        scale: true,
        beta_initializer: init('Zeros'),
        gamma_initializer: init('Ones'),
        moving_mean_initializer: init('Zeros'),
        moving_variance_initializer: init('Ones'),
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
        synchronized: false,
      },
      [tensor('conv2d', [null, 4, 4, 2])],
      { mask: null },
    ),
    layer('Add', 'add', {}, [[tensor('batch_normalization', [null, 4, 4, 2]), tensor('input_layer', [null, 4, 4, 2])]]),
    layer('GlobalAveragePooling2D', 'global_average_pooling2d', { data_format: 'channels_last', keepdims: false }, [
      tensor('add', [null, 4, 4, 2]),
    ]),
    layer(
      'Dense',
      'dense',
      {
        units: 3,
        activation: 'softmax',
        use_bias: true,
        kernel_initializer: init('GlorotUniform'),
        bias_initializer: init('Zeros'),
        kernel_regularizer: null,
        bias_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        quantization_config: null,
      },
      [tensor('global_average_pooling2d', [null, 2])],
    ),
  ];
  const manifest = [
    { name: 'conv2d/kernel', shape: [3, 3, 2, 2], dtype: 'float32' },
    { name: 'conv2d/bias', shape: [2], dtype: 'float32' },
    { name: 'batch_normalization/gamma', shape: [2], dtype: 'float32' },
    { name: 'batch_normalization/beta', shape: [2], dtype: 'float32' },
    { name: 'batch_normalization/moving_mean', shape: [2], dtype: 'float32' },
    { name: 'batch_normalization/moving_variance', shape: [2], dtype: 'float32' },
    { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' },
    { name: 'dense/bias', shape: [3], dtype: 'float32' },
  ];
  const count = manifest.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
  // Moving variances must stay positive: sin values are offset for them below.
  const weights = new Float32Array(count).map((_, i) => Math.sin(i + 1));
  const varianceStart = 3 * 3 * 2 * 2 + 2 + 2 + 2 + 2;
  weights[varianceStart] = 1.5;
  weights[varianceStart + 1] = 0.5;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.from(weights.buffer));
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      format: 'layers-model',
      generatedBy: 'keras v3.8.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: {
        keras_version: '3.8.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Functional',
          config: {
            name: 'functional',
            trainable: true,
            layers,
            input_layers: [['input_layer', 0, 0]],
            output_layers: [['dense', 0, 0]],
          },
        },
      },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: manifest }],
    }),
  );
  return { file, weights };
}

/** The same network as writeKeras3Model, built directly with tf.layers and given the same weights. */
export function keras3Equivalent(weights: Float32Array): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 2] });
  const conv = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' })
    .apply(input) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ epsilon: 0.001 }).apply(conv) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([bn, input]) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({}).apply(sum) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(gap) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  // Per layer, in the manifest's order (model.weights lists trainable weights first).
  let offset = 0;
  for (const layer of model.layers) {
    layer.setWeights(
      layer.weights.map((w) => {
        const size = w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
        const t = tf.tensor(weights.slice(offset, offset + size), w.shape as number[]);
        offset += size;
        return t;
      }),
    );
  }
  return model;
}
