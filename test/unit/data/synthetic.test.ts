import * as assert from 'assert';
import { loadDataset } from '../../../src/engine/data';
import type { Dataset, Split } from '../../../src/engine/data';
import type { SyntheticData } from '../../../src/engine/config/types';

const config = (extra: Partial<SyntheticData> = {}): SyntheticData => ({
  dataset: 'synthetic',
  shape: [12],
  classes: 4,
  trainSize: 800,
  testSize: 400,
  validationSplit: 0,
  normalize: 'none',
  dataSeed: 1,
  ...extra,
});

/** Accuracy on `test` of the nearest class mean of `train`: a linear classifier computed by hand. */
function nearestMeanAccuracy(data: Dataset, train: Split, test: Split): number {
  const size = data.inputShape.reduce((a, b) => a * b, 1);
  const means = Array.from({ length: data.classes }, () => new Float64Array(size));
  const counts = new Array<number>(data.classes).fill(0);
  for (let i = 0; i < train.count; i++) {
    counts[train.y[i]]++;
    for (let f = 0; f < size; f++) means[train.y[i]][f] += train.x[i * size + f];
  }
  means.forEach((m, c) => m.forEach((_, f) => (m[f] /= counts[c])));
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    let best = -1;
    let bestDistance = Infinity;
    means.forEach((m, c) => {
      let d = 0;
      for (let f = 0; f < size; f++) d += (test.x[i * size + f] - m[f]) ** 2;
      if (d < bestDistance) [best, bestDistance] = [c, d];
    });
    if (best === test.y[i]) correct++;
  }
  return correct / test.count;
}

describe('synthetic datasets', () => {
  it('has the requested shape, sizes and balanced classes', async () => {
    const data = await loadDataset(config({ shape: [8, 8, 1], classes: 10, trainSize: 200, testSize: 50 }), {
      baseDir: '.',
      seed: 1,
    });
    assert.deepStrictEqual(data.inputShape, [8, 8, 1]);
    assert.strictEqual(data.classes, 10);
    assert.deepStrictEqual(data.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.strictEqual(data.train.x.length, 200 * 64);
    assert.strictEqual(data.test.count, 50);
    const perClass = new Array<number>(10).fill(0);
    data.train.y.forEach((y) => perClass[y]++);
    assert.deepStrictEqual(perClass, new Array<number>(10).fill(20));
    assert.ok(data.train.x.every(Number.isFinite));
  });

  it('is the same for the same dataSeed whatever the experiment seed, and differs for another dataSeed', async () => {
    const a = await loadDataset(config(), { baseDir: '.', seed: 1 });
    const b = await loadDataset(config(), { baseDir: '.', seed: 99 });
    const c = await loadDataset(config({ dataSeed: 2 }), { baseDir: '.', seed: 1 });
    assert.deepStrictEqual(a.train.x, b.train.x);
    assert.deepStrictEqual(a.test.x, b.test.x);
    assert.notDeepStrictEqual(a.train.x, c.train.x);
    assert.notDeepStrictEqual(a.train.x, a.test.x.subarray(0, a.train.x.length));
  });

  it('is learnable but not trivial: a linear classifier beats chance by far and stays short of perfect', async () => {
    const data = await loadDataset(config(), { baseDir: '.', seed: 1 });
    const accuracy = nearestMeanAccuracy(data, data.train, data.test);
    assert.ok(accuracy > 0.45 && accuracy < 0.95, `nearest-mean accuracy ${accuracy} (chance 0.25)`);
  });

  it('rejects shapes, class counts and sizes that make no data', async () => {
    await assert.rejects(
      loadDataset(config({ shape: [0] }), { baseDir: '.', seed: 1 }),
      /shape must be positive integers/,
    );
    await assert.rejects(
      loadDataset(config({ classes: 1 }), { baseDir: '.', seed: 1 }),
      /classes must be an integer of at least 2/,
    );
    await assert.rejects(
      loadDataset(config({ testSize: 0 }), { baseDir: '.', seed: 1 }),
      /testSize must be a positive integer/,
    );
  });
});
