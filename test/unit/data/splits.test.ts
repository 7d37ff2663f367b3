import * as assert from 'assert';
import { loadDataset } from '../../../src/engine/data';
import type { Dataset } from '../../../src/engine/data';
import { assertClose, ids, row, tempDir, writeIdentifiedIdx } from './helpers';

describe('splits, limits and normalisation', () => {
  let dir: string;
  let train: { images: string; labels: string };
  let test: { images: string; labels: string };
  before(() => {
    dir = tempDir();
    train = writeIdentifiedIdx(dir, 200, 'train');
    test = writeIdentifiedIdx(dir, 40, 'test');
  });

  const load = (
    seed: number,
    extra: {
      validationSplit?: number;
      trainLimit?: number;
      testLimit?: number;
      normalize?: 'none' | 'standardize';
    } = {},
  ): Promise<Dataset> =>
    loadDataset(
      {
        dataset: 'idx',
        trainImages: train.images,
        trainLabels: train.labels,
        testImages: test.images,
        testLabels: test.labels,
        validationSplit: extra.validationSplit ?? 0.25,
        trainLimit: extra.trainLimit,
        testLimit: extra.testLimit,
        normalize: extra.normalize ?? 'none',
      },
      { baseDir: dir, seed },
    );

  it('carves validation from training data only: disjoint, together the whole training set, the test set untouched', async () => {
    const data = await load(1);
    assert.strictEqual(data.validation.count, 50);
    assert.strictEqual(data.train.count, 150);
    const trainIds = new Set(ids(data.train));
    assert.ok(ids(data.validation).every((id) => !trainIds.has(id)));
    assert.deepStrictEqual(
      [...ids(data.train), ...ids(data.validation)].sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i),
    );
    assert.deepStrictEqual(
      ids(data.test),
      Array.from({ length: 40 }, (_, i) => i),
    );
    // Rows travel with their labels.
    for (const split of [data.train, data.validation])
      for (let i = 0; i < split.count; i++) assert.deepStrictEqual(row(split, i), [split.y[i], split.y[i] ** 2, 7]);
  });

  it('draws the same validation split for the same seed and another for another seed', async () => {
    const a = await load(1);
    const b = await load(1);
    const c = await load(2);
    assert.deepStrictEqual(ids(a.validation), ids(b.validation));
    assert.deepStrictEqual(a.train.x, b.train.x);
    assert.notDeepStrictEqual(ids(a.validation), ids(c.validation));
    assert.strictEqual(c.validation.count, 50);
  });

  it('holds out nothing when validationSplit is 0, and at least one example when it is small', async () => {
    const none = await load(1, { validationSplit: 0 });
    assert.strictEqual(none.validation.count, 0);
    assert.strictEqual(none.validation.x.length, 0);
    assert.strictEqual(none.train.count, 200);
    assert.strictEqual((await load(1, { validationSplit: 0.001 })).validation.count, 1);
  });

  it('takes seeded subsets for trainLimit and testLimit, the same whatever the experiment seed', async () => {
    const a = await load(1, { trainLimit: 40, testLimit: 10, validationSplit: 0.25 });
    assert.strictEqual(a.train.count + a.validation.count, 40);
    assert.strictEqual(a.validation.count, 10);
    assert.strictEqual(a.test.count, 10);
    const b = await load(2, { trainLimit: 40, testLimit: 10, validationSplit: 0.25 });
    const pool = (d: Dataset): number[] => [...ids(d.train), ...ids(d.validation)].sort((x, y) => x - y);
    assert.deepStrictEqual(pool(a), pool(b));
    assert.deepStrictEqual(ids(a.test), ids(b.test));
    // A random subset, not the first rows.
    assert.notDeepStrictEqual(
      pool(a),
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.ok(ids(a.test).every((id) => id >= 0 && id < 40));
    // A limit above the size keeps everything.
    assert.strictEqual((await load(1, { testLimit: 1000 })).test.count, 40);
  });

  it('standardizes every split with the statistics of the training split alone', async () => {
    const data = await load(3, { normalize: 'standardize' });
    // Hand computation from the ids of the training rows: features are id and id².
    const trainIds = ids(data.train);
    const stats = [(id: number) => id, (id: number) => id * id].map((feature) => {
      const values = trainIds.map(feature);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      return { feature, mean, std };
    });
    for (const split of [data.train, data.validation, data.test]) {
      for (let i = 0; i < split.count; i++) {
        const r = row(split, i);
        stats.forEach(({ feature, mean, std }, f) =>
          assertClose(r[f], (feature(split.y[i]) - mean) / std, 1e-4, `feature ${f} of id ${split.y[i]}`),
        );
        assert.strictEqual(r[2], 0); // the constant feature is centred, not divided by 0
      }
    }
    // Validation statistics differ from training ones, so using them would give other numbers.
    const valMean = ids(data.validation).reduce((s, v) => s + v, 0) / data.validation.count;
    assert.notStrictEqual(valMean, stats[0].mean);
  });

  it('rejects fractions and limits out of range', async () => {
    await assert.rejects(load(1, { validationSplit: 1 }), /validationSplit must be a fraction in \[0, 1\)/);
    await assert.rejects(load(1, { trainLimit: 0 }), /trainLimit must be a positive integer/);
    await assert.rejects(load(1, { testLimit: 2.5 }), /testLimit must be a positive integer/);
  });
});
