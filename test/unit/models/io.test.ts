import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { buildModel, ensureLogits, loadModel, normalizeKerasTopology, saveModel } from '../../../src/engine/models';
import { assertClose, keras3Equivalent, predictArray, tempDir, useCpuBackend, writeKeras3Model } from './helpers';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'models');

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.match(error.message, pattern);
    return true;
  });
}

describe('saveModel / loadModel', () => {
  useCpuBackend();

  it('round-trips a branched resnet with identical predictions and names', async () => {
    const { model } = buildModel(
      { preset: 'resnet', blocks: [1, 1], width: 4 },
      { inputShape: [8, 8, 3], classes: 5, name: 'r', seed: 3 },
    );
    const dir = path.join(tempDir(), 'nested', 'out');
    await saveModel(model, dir);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.strictEqual(json.format, 'layers-model');
    assert.strictEqual(json.weightsManifest.length, 1);
    assert.deepStrictEqual(json.weightsManifest[0].paths, ['weights.bin']);
    assert.strictEqual(fs.statSync(path.join(dir, 'weights.bin')).size, model.countParams() * 4);

    const loaded = await loadModel(path.join(dir, 'model.json'));
    assert.deepStrictEqual(
      loaded.layers.map((l) => l.name),
      model.layers.map((l) => l.name),
    );
    const x = tf.randomNormal([3, 8, 8, 3], 0, 1, 'float32', 5);
    assert.deepStrictEqual(predictArray(loaded, x), predictArray(model, x));
  });

  it('overwrites an earlier save in place', async () => {
    const ctx = { inputShape: [4], classes: 2, name: 'm', seed: 1 };
    const dir = tempDir();
    await saveModel(buildModel({ preset: 'mlp', hidden: [3] }, ctx).model, dir);
    const second = buildModel({ preset: 'mlp', hidden: [3] }, { ...ctx, seed: 2 }).model;
    await saveModel(second, dir);
    const x = tf.ones([1, 4]);
    assert.deepStrictEqual(predictArray(await loadModel(path.join(dir, 'model.json')), x), predictArray(second, x));
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
  });

  it('loads the committed fixture saved by saveModel and gives its recorded logits', async () => {
    const dir = path.join(FIXTURES, 'tiny-mlp');
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as {
      input: number[][];
      logits: number[][];
    };
    const model = await loadModel(path.join(dir, 'model.json'));
    assert.deepStrictEqual(
      model.layers.map((l) => l.name),
      ['input', 'hidden_1', 'logits'],
    );
    assertClose(predictArray(model, tf.tensor2d(expected.input)), expected.logits, 1e-6);
  });

  it('loads weights split over several shards in several groups', async () => {
    const { model } = buildModel({ preset: 'mlp', hidden: [5] }, { inputShape: [3], classes: 2, name: 'm', seed: 4 });
    const dir = tempDir();
    await saveModel(model, dir);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const bytes = fs.readFileSync(path.join(dir, 'weights.bin'));
    // hidden_1 kernel+bias (3·5+5 floats) in group 1 cut across two shards; logits in group 2.
    const split = (3 * 5 + 5) * 4;
    fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, 30));
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), bytes.subarray(30, split));
    fs.writeFileSync(path.join(dir, 'group2-shard1of1.bin'), bytes.subarray(split));
    const weights = json.weightsManifest[0].weights;
    json.weightsManifest = [
      { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: weights.slice(0, 2) },
      { paths: ['group2-shard1of1.bin'], weights: weights.slice(2) },
    ];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    fs.unlinkSync(path.join(dir, 'weights.bin'));
    const x = tf.tensor2d([[1, -2, 0.5]]);
    assert.deepStrictEqual(predictArray(await loadModel(path.join(dir, 'model.json')), x), predictArray(model, x));
  });

  it('loads a Keras 3 model converted with tensorflowjs_converter and computes what Keras would', async () => {
    const { file, weights } = writeKeras3Model(tempDir());
    const loaded = await loadModel(file);
    assert.deepStrictEqual(
      loaded.layers.map((l) => l.getClassName()),
      ['InputLayer', 'Conv2D', 'BatchNormalization', 'Add', 'GlobalAveragePooling2D', 'Dense'],
    );
    const x = tf.randomUniform([2, 4, 4, 2], -1, 1, 'float32', 9);
    const expected = predictArray(keras3Equivalent(weights), x);
    assertClose(predictArray(loaded, x), expected, 1e-6);
    // Its softmax output is recovered as logits with the same probabilities.
    const logits = ensureLogits(loaded);
    assertClose(
      tf.tidy(() => tf.softmax(logits.predict(x) as tf.Tensor).arraySync() as number[][]),
      expected,
      1e-6,
    );
  });

  it('rewrites only the Keras 3 parts of a topology', () => {
    const topology = {
      class_name: 'Functional',
      config: {
        layers: [
          { class_name: 'InputLayer', config: { batch_shape: [null, 2], dtype: 'float32' }, inbound_nodes: [] },
          {
            class_name: 'Add',
            config: { dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } } },
            inbound_nodes: [
              {
                args: [
                  [
                    { class_name: '__keras_tensor__', config: { keras_history: ['a', 0, 0] } },
                    { class_name: '__keras_tensor__', config: { keras_history: ['b', 1, 0] } },
                  ],
                ],
                kwargs: {},
              },
            ],
          },
          { class_name: 'Dense', config: { units: 2 }, inbound_nodes: [[['add', 0, 0, {}]]] },
        ],
      },
    };
    const out = normalizeKerasTopology(topology) as unknown as typeof topology & {
      config: { layers: { config: Record<string, unknown>; inbound_nodes: unknown }[] };
    };
    assert.deepStrictEqual(out.config.layers[0].config, { batch_input_shape: [null, 2], dtype: 'float32' });
    assert.deepStrictEqual(out.config.layers[1].config, { dtype: 'float32' });
    assert.deepStrictEqual(out.config.layers[1].inbound_nodes, [
      [
        ['a', 0, 0, {}],
        ['b', 1, 0, {}],
      ],
    ]);
    assert.deepStrictEqual(out.config.layers[2], topology.config.layers[2]);
    // The input is left as it was.
    assert.ok('batch_shape' in topology.config.layers[0].config);
  });

  describe('errors name the file', () => {
    it('when model.json is missing', async () => {
      const file = path.join(tempDir(), 'model.json');
      await rejects(
        loadModel(file),
        new RegExp(`model file not found: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    });

    it('when model.json is not JSON or not a Layers model', async () => {
      const dir = tempDir();
      const file = path.join(dir, 'model.json');
      fs.writeFileSync(file, '{ "modelTopology": ');
      await rejects(loadModel(file), /model\.json: not valid JSON/);
      fs.writeFileSync(file, JSON.stringify({ weightsManifest: [] }));
      await rejects(loadModel(file), /model\.json: not a TF\.js Layers model \(no "modelTopology"\)/);
      fs.writeFileSync(file, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
      await rejects(loadModel(file), /model\.json: a TF\.js graph model .*tfjs_layers_model/);
    });

    it('when a weight file is missing or has the wrong size', async () => {
      const dir = tempDir();
      await saveModel(
        buildModel({ preset: 'mlp', hidden: [2] }, { inputShape: [2], classes: 2, name: 'm', seed: 1 }).model,
        dir,
      );
      const file = path.join(dir, 'model.json');
      const weights = path.join(dir, 'weights.bin');
      const bytes = fs.readFileSync(weights);
      fs.writeFileSync(weights, bytes.subarray(0, bytes.length - 4));
      await rejects(
        loadModel(file),
        /model\.json: weight files weights\.bin hold \d+ bytes but the manifest describes \d+/,
      );
      fs.unlinkSync(weights);
      await rejects(loadModel(file), /model\.json: weight file "weights\.bin" not found/);
    });

    it('when the topology cannot be built', async () => {
      const dir = tempDir();
      const file = path.join(dir, 'model.json');
      fs.writeFileSync(
        file,
        JSON.stringify({ modelTopology: { class_name: 'NoSuchModel', config: {} }, weightsManifest: [] }),
      );
      await rejects(loadModel(file), /model\.json: cannot build the model/);
    });
  });
});
