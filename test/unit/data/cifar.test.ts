// CIFAR-10/100 and Fashion-MNIST loaders on small generated files in the real formats, and their
// errors: a missing folder or file (with where to get the data), a truncated file, a wrong record size.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadDataset, writeIdx } from '../../../src/engine/data';
import { cifarPixel, cifarRecords, writeCifar10, writeCifar100, writeMnistIdx } from '../../data/datasetFiles';
import { tempDir } from './helpers';

const load = (data: object, baseDir = '.') =>
  loadDataset({ validationSplit: 0, normalize: 'none', ...data } as never, { baseDir, seed: 1 });

describe('cifar and fashion-mnist loaders', () => {
  it('reads CIFAR-10: five batches in order, planes to height × width × channel, names', async () => {
    const dir = writeCifar10(path.join(tempDir(), 'cifar-10-batches-bin'));
    const data = await load({ dataset: 'cifar10', path: 'cifar-10-batches-bin' }, path.dirname(dir));
    assert.deepStrictEqual(data.inputShape, [32, 32, 3]);
    assert.strictEqual(data.classes, 10);
    assert.strictEqual(data.classNames[0], 'airplane');
    assert.strictEqual(data.classNames[9], 'truck');
    assert.strictEqual(data.train.count, 20);
    assert.strictEqual(data.test.count, 6);
    assert.deepStrictEqual(
      Array.from(data.train.y),
      Array.from({ length: 20 }, (_, r) => r % 10),
    );
    for (const [r, y, x, c] of [
      [0, 0, 0, 0],
      [13, 5, 31, 2],
      [19, 31, 7, 1],
    ])
      assert.strictEqual(data.train.x[r * 3072 + (y * 32 + x) * 3 + c], cifarPixel(r, y, x, c), `${r} ${y} ${x} ${c}`);
    assert.strictEqual(data.test.x[(2 * 1024 + 33) * 3 + 1], cifarPixel(1002, 1, 1, 1));
  });

  it('reads CIFAR-100 with fine or coarse labels', async () => {
    const dir = writeCifar100(path.join(tempDir(), 'cifar-100-binary'));
    const fine = await load({ dataset: 'cifar100', path: dir });
    const coarse = await load({ dataset: 'cifar100', path: dir, labels: 'coarse' });
    assert.strictEqual(fine.classes, 100);
    assert.strictEqual(coarse.classes, 20);
    assert.deepStrictEqual(
      Array.from(fine.train.y),
      Array.from({ length: 12 }, (_, r) => r % 100),
    );
    assert.deepStrictEqual(Array.from(coarse.test.y), [500 % 20, 501 % 20, 502 % 20, 503 % 20]);
    assert.strictEqual(fine.train.x[5 * 3072 + 2], cifarPixel(5, 0, 0, 2));
  });

  it('says where to get CIFAR when the folder or a file is missing', async () => {
    const root = tempDir();
    await assert.rejects(
      load({ dataset: 'cifar10', path: path.join(root, 'nope') }),
      /CIFAR-10 folder not found: .*nope: download the binary version \(cifar-10-binary\.tar\.gz\) from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html/,
    );
    const dir = writeCifar10(path.join(root, 'c10'));
    fs.rmSync(path.join(dir, 'data_batch_3.bin'));
    await assert.rejects(load({ dataset: 'cifar10', path: dir }), /c10 lacks data_batch_3\.bin: download the binary/);
    await assert.rejects(
      load({ dataset: 'cifar100', path: dir }),
      /c10 lacks train\.bin, test\.bin: download the binary version \(cifar-100-binary\.tar\.gz\)/,
    );
  });

  it('rejects a truncated file and records of the wrong size, naming the file', async () => {
    const dir = writeCifar10(path.join(tempDir(), 'c10'));
    const truncated = path.join(dir, 'data_batch_2.bin');
    fs.writeFileSync(truncated, fs.readFileSync(truncated).subarray(0, 3073 * 3 + 100));
    await assert.rejects(
      load({ dataset: 'cifar10', path: dir }),
      /data_batch_2\.bin: 9319 bytes is not a whole number of CIFAR-10 records of 3073 bytes \(a truncated download/,
    );
    // CIFAR-100 records (3,074 bytes) where CIFAR-10's are expected.
    writeCifar10(dir);
    fs.writeFileSync(
      path.join(dir, 'test_batch.bin'),
      cifarRecords(6, (r) => [r % 20, r % 100]),
    );
    await assert.rejects(
      load({ dataset: 'cifar10', path: dir }),
      /test_batch\.bin: 18444 bytes .*CIFAR-100 records are 3,074 bytes/,
    );
    // A whole number of records, but labels beyond the classes: the wrong dataset.
    fs.writeFileSync(
      path.join(dir, 'test_batch.bin'),
      cifarRecords(2, () => [10]),
    );
    await assert.rejects(
      load({ dataset: 'cifar10', path: dir }),
      /test_batch\.bin: record 0 has label 10, beyond the 10 CIFAR-10 classes/,
    );
  });

  it('reads Fashion-MNIST from a folder of IDX files, gzipped or not, with its class names', async () => {
    const dir = tempDir();
    const images = new Uint8Array(3 * 784);
    images[784 + 10] = 255;
    writeIdx(path.join(dir, 'train-images-idx3-ubyte.gz'), [3, 28, 28], images);
    writeIdx(path.join(dir, 'train-labels-idx1-ubyte.gz'), [3], Uint8Array.from([9, 0, 4]));
    writeIdx(path.join(dir, 't10k-images-idx3-ubyte'), [1, 28, 28], new Uint8Array(784));
    writeIdx(path.join(dir, 't10k-labels-idx1-ubyte'), [1], Uint8Array.from([2]));
    const data = await loadDataset(
      { dataset: 'fashion-mnist', path: dir, validationSplit: 0, normalize: 'scale' },
      { baseDir: '.', seed: 1 },
    );
    assert.strictEqual(data.name, 'fashion-mnist');
    assert.strictEqual(data.classNames[9], 'Ankle boot');
    assert.deepStrictEqual(Array.from(data.train.y), [9, 0, 4]);
    assert.strictEqual(data.train.x[784 + 10], 1);
    fs.rmSync(path.join(dir, 't10k-labels-idx1-ubyte'));
    await assert.rejects(
      loadDataset(
        { dataset: 'fashion-mnist', path: dir, validationSplit: 0, normalize: 'scale' },
        { baseDir: '.', seed: 1 },
      ),
      /lacks t10k-labels-idx1-ubyte \(optionally \.gz\); download/,
    );
  });

  it("without a path or KD_FASHION_MNIST_DIR, reads Debian's package folder, else says how to get Fashion-MNIST", async () => {
    const previous = { dir: process.env.KD_FASHION_MNIST_DIR, datasets: process.env.KD_DATASETS_DIR };
    delete process.env.KD_FASHION_MNIST_DIR;
    const datasets = tempDir();
    process.env.KD_DATASETS_DIR = datasets;
    const config = { dataset: 'fashion-mnist', validationSplit: 0, normalize: 'scale' } as const;
    try {
      await assert.rejects(
        loadDataset(config, { baseDir: '.', seed: 1 }),
        /fashion-mnist: its files are not bundled; download train-images-idx3-ubyte\.gz.* from https:\/\/github\.com\/zalandoresearch\/fashion-mnist.*apt install dataset-fashion-mnist/,
      );
      writeMnistIdx(path.join(datasets, 'fashion-mnist'), 20, 10);
      const data = await loadDataset(config, { baseDir: '.', seed: 1 });
      assert.deepStrictEqual([data.train.count, data.test.count, data.classNames[9]], [20, 10, 'Ankle boot']);
      assert.deepStrictEqual(Array.from(data.test.y.slice(0, 3)), [0, 1, 2], 'test records 20, 21, 22');
    } finally {
      for (const [key, value] of [
        ['KD_FASHION_MNIST_DIR', previous.dir],
        ['KD_DATASETS_DIR', previous.datasets],
      ] as const)
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
  });

  it('applies normalize ops to evaluation data, and to training data only when nothing random precedes use', async () => {
    const dir = writeCifar10(path.join(tempDir(), 'c10'));
    const norm = { type: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
    const fixed = await load({ dataset: 'cifar10', path: dir, normalize: 'scale', augment: [norm] });
    assert.deepStrictEqual(fixed.augment, [], 'normalize alone is applied once: the teacher cache stays valid');
    assert.ok(Math.abs(fixed.train.x[0] - (cifarPixel(0, 0, 0, 0) / 255 - 0.5) / 0.25) < 1e-5);
    const random = await load({
      dataset: 'cifar10',
      path: dir,
      normalize: 'scale',
      augment: [{ type: 'horizontalFlip' }, norm],
    });
    assert.strictEqual(random.augment.length, 2);
    assert.ok(Math.abs(random.train.x[0] - cifarPixel(0, 0, 0, 0) / 255) < 1e-6, 'training data stays raw');
    assert.ok(Math.abs(random.test.x[0] - (cifarPixel(1000, 0, 0, 0) / 255 - 0.5) / 0.25) < 1e-5);
  });
});
