import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { decodeIdx, encodeIdx, loadDataset, readIdx, writeIdx } from '../../../src/engine/data';
import { assertClose, ids, row, tempDir, writeIdentifiedIdx } from './helpers';

describe('IDX files', () => {
  it('encodes the header by hand: zero magic, type code, rank, big-endian dimensions and values', () => {
    const bytes = encodeIdx([2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]));
    assert.deepStrictEqual(Array.from(bytes), [0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    const shorts = encodeIdx([2], Int16Array.from([258, -2]));
    assert.deepStrictEqual(Array.from(shorts), [0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]);
  });

  it('decodes a hand-written big-endian float file', () => {
    // 1.5 as a big-endian float32 is 3f c0 00 00; -2 is c0 00 00 00.
    const bytes = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 2, 0x3f, 0xc0, 0, 0, 0xc0, 0, 0, 0]);
    const file = decodeIdx(bytes, 'x.idx');
    assert.strictEqual(file.type, 'float');
    assert.deepStrictEqual(file.dims, [2]);
    assert.deepStrictEqual(Array.from(file.data), [1.5, -2]);
  });

  it('round-trips every type through a file, plain and gzip-compressed', async () => {
    const dir = tempDir();
    const arrays = [
      Uint8Array.from([0, 255, 7, 8]),
      Int8Array.from([-128, 127, 0, -1]),
      Int16Array.from([-32768, 32767, 1, -300]),
      Int32Array.from([-2147483648, 2147483647, 70000, -1]),
      Float32Array.from([0.5, -1.25, 3e10, 0]),
      Float64Array.from([Math.PI, -1e-300, 2 ** 53, 0]),
    ];
    for (const [i, data] of arrays.entries()) {
      for (const name of [`a${i}.idx`, `a${i}.idx.gz`]) {
        const file = path.join(dir, name);
        writeIdx(file, [2, 2], data);
        const back = await readIdx(file);
        assert.deepStrictEqual(back.dims, [2, 2]);
        assert.strictEqual(back.data.constructor, data.constructor);
        assert.deepStrictEqual(Array.from(back.data), Array.from(data));
      }
    }
    assert.ok(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'a0.idx.gz'))).length === 8 + 4 + 4);
  });

  it('rejects data that does not fill the dimensions', () => {
    assert.throws(() => encodeIdx([2, 2], Uint8Array.from([1, 2, 3])), /hold 4 values, the data has 3/);
  });

  it('names the file and the fault: wrong magic, unknown type, size mismatch, missing file', async () => {
    const dir = tempDir();
    const wrongMagic = path.join(dir, 'labels.csv');
    fs.writeFileSync(wrongMagic, 'a,b\n1,2\n');
    await assert.rejects(
      readIdx(wrongMagic),
      (e: Error) => e.message.startsWith(wrongMagic) && /wrong magic/.test(e.message) && /0x61 0x2c/.test(e.message),
    );
    const badType = path.join(dir, 'type.idx');
    fs.writeFileSync(badType, Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 1, 5]));
    await assert.rejects(
      readIdx(badType),
      (e: Error) => e.message.includes(badType) && /unknown IDX type code 0x07/.test(e.message),
    );
    const truncated = path.join(dir, 'short.idx');
    fs.writeFileSync(truncated, Uint8Array.from([...encodeIdx([3, 2], new Uint8Array(6)), 9]));
    await assert.rejects(
      readIdx(truncated),
      (e: Error) =>
        e.message === `${truncated}: size mismatch: dimensions [3, 2] of ubyte need 18 bytes, the file has 19`,
    );
    fs.writeFileSync(truncated, encodeIdx([3, 2], new Uint8Array(6)).subarray(0, 13));
    await assert.rejects(
      readIdx(truncated),
      (e: Error) =>
        e.message.includes(truncated) &&
        /size mismatch: dimensions \[3, 2\] of ubyte need 18 bytes, the file has 13 \(truncated\?\)/.test(e.message),
    );
    await assert.rejects(readIdx(path.join(dir, 'none.idx')), /cannot read IDX file .*none\.idx: file not found/);
  });
});

describe('idx datasets', () => {
  it('reads 8-bit images as [h, w, 1] with index labels and scales pixels to [0, 1]', async () => {
    const dir = tempDir();
    const pixels = Uint8Array.from([0, 51, 102, 255, 255, 204, 153, 0, 10, 20, 30, 40]);
    writeIdx(path.join(dir, 'img.idx'), [3, 2, 2], pixels);
    writeIdx(path.join(dir, 'lab.idx'), [3], Uint8Array.from([2, 0, 1]));
    writeIdx(path.join(dir, 'timg.idx'), [1, 2, 2], Uint8Array.from([255, 0, 0, 255]));
    writeIdx(path.join(dir, 'tlab.idx'), [1], Uint8Array.from([1]));
    const data = await loadDataset(
      {
        dataset: 'idx',
        trainImages: 'img.idx',
        trainLabels: 'lab.idx',
        testImages: 'timg.idx',
        testLabels: 'tlab.idx',
        validationSplit: 0,
        normalize: 'scale',
      },
      { baseDir: dir, seed: 1 },
    );
    assert.deepStrictEqual(data.inputShape, [2, 2, 1]);
    assert.strictEqual(data.classes, 3);
    assert.deepStrictEqual(data.classNames, ['0', '1', '2']);
    assert.deepStrictEqual(ids(data.train), [2, 0, 1]);
    const f = Math.fround;
    assert.deepStrictEqual(row(data.train, 0), [0, f(0.2), f(0.4), 1]);
    assert.deepStrictEqual(row(data.train, 1), [1, f(0.8), f(0.6), 0]);
    assert.deepStrictEqual(row(data.test, 0), [1, 0, 0, 1]);
    assert.strictEqual(data.validation.count, 0);
    assert.ok(data.train.x instanceof Float32Array);

    const raw = await loadDataset(
      {
        dataset: 'idx',
        trainImages: 'img.idx',
        trainLabels: 'lab.idx',
        testImages: 'timg.idx',
        testLabels: 'tlab.idx',
        validationSplit: 0,
        normalize: 'none',
      },
      { baseDir: dir, seed: 1 },
    );
    assert.deepStrictEqual(row(raw.train, 0), [0, 51, 102, 255]);
  });

  it('keeps non-byte IDX values as they are under "scale"', async () => {
    const dir = tempDir();
    const { images, labels } = writeIdentifiedIdx(dir, 10);
    const data = await loadDataset(
      {
        dataset: 'idx',
        trainImages: images,
        trainLabels: labels,
        validationSplit: 0,
        testSplit: 0.2,
        normalize: 'scale',
      },
      { baseDir: '/', seed: 1 },
    );
    assert.deepStrictEqual(data.inputShape, [3]);
    for (const split of [data.train, data.test])
      for (let i = 0; i < split.count; i++) assert.deepStrictEqual(row(split, i), [split.y[i], split.y[i] ** 2, 7]);
  });

  it('standardizes with the training split statistics only, checked by hand', async () => {
    const dir = tempDir();
    writeIdx(path.join(dir, 'img.idx'), [4, 2], Float32Array.from([1, 5, 2, 5, 3, 5, 6, 5]));
    writeIdx(path.join(dir, 'lab.idx'), [4], Uint8Array.from([0, 1, 0, 1]));
    writeIdx(path.join(dir, 'timg.idx'), [1, 2], Float32Array.from([10, 8]));
    writeIdx(path.join(dir, 'tlab.idx'), [1], Uint8Array.from([1]));
    const data = await loadDataset(
      {
        dataset: 'idx',
        trainImages: 'img.idx',
        trainLabels: 'lab.idx',
        testImages: 'timg.idx',
        testLabels: 'tlab.idx',
        validationSplit: 0,
        normalize: 'standardize',
      },
      { baseDir: dir, seed: 1 },
    );
    // Feature 0: mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5. Feature 1 is constant: centred only.
    const s = Math.sqrt(3.5);
    const expectedTrain = [1, 2, 3, 6].map((v) => [(v - 3) / s, 0]);
    expectedTrain.forEach((expected, i) =>
      row(data.train, i).forEach((v, j) => assertClose(v, expected[j], 1e-6, `train ${i},${j}`)),
    );
    assertClose(row(data.test, 0)[0], 7 / s, 1e-6, 'test feature 0');
    assertClose(row(data.test, 0)[1], 3, 1e-6, 'test feature 1');
  });

  it('carves a seeded test split from training data when no test files are given', async () => {
    const dir = tempDir();
    const { images, labels } = writeIdentifiedIdx(dir, 50);
    const load = (seed: number, testSplit?: number) =>
      loadDataset(
        {
          dataset: 'idx',
          trainImages: images,
          trainLabels: labels,
          validationSplit: 0.2,
          testSplit,
          normalize: 'none',
        },
        { baseDir: dir, seed },
      );
    const a = await load(1);
    assert.strictEqual(a.test.count, 10); // default testSplit 0.2
    assert.strictEqual(a.validation.count, 8);
    assert.strictEqual(a.train.count, 32);
    const all = [...ids(a.train), ...ids(a.validation), ...ids(a.test)].sort((x, y) => x - y);
    assert.deepStrictEqual(
      all,
      Array.from({ length: 50 }, (_, i) => i),
    );
    // The test set is the same whatever the experiment seed; the validation split is not.
    const b = await load(2);
    assert.deepStrictEqual(ids(b.test), ids(a.test));
    assert.notDeepStrictEqual(ids(b.validation), ids(a.validation));
    assert.strictEqual((await load(1, 0.5)).test.count, 25);
  });

  it('names both files when the label count differs from the image count', async () => {
    const dir = tempDir();
    writeIdx(path.join(dir, 'img.idx'), [3, 2, 2], new Uint8Array(12));
    writeIdx(path.join(dir, 'lab.idx'), [2], Uint8Array.from([0, 1]));
    await assert.rejects(
      loadDataset(
        { dataset: 'idx', trainImages: 'img.idx', trainLabels: 'lab.idx', validationSplit: 0, normalize: 'scale' },
        { baseDir: dir, seed: 1 },
      ),
      (e: Error) =>
        e.message === `${path.join(dir, 'lab.idx')} holds 2 labels but ${path.join(dir, 'img.idx')} holds 3 images`,
    );
  });

  it('rejects labels that are not class indices, and test images of another shape', async () => {
    const dir = tempDir();
    writeIdx(path.join(dir, 'img.idx'), [2, 2, 2], new Uint8Array(8));
    writeIdx(path.join(dir, 'frac.idx'), [2], Float32Array.from([0, 1.5]));
    writeIdx(path.join(dir, 'lab.idx'), [2], Uint8Array.from([0, 1]));
    writeIdx(path.join(dir, 'timg.idx'), [1, 3, 2], new Uint8Array(6));
    writeIdx(path.join(dir, 'tlab.idx'), [1], Uint8Array.from([0]));
    await assert.rejects(
      loadDataset(
        { dataset: 'idx', trainImages: 'img.idx', trainLabels: 'frac.idx', validationSplit: 0, normalize: 'scale' },
        { baseDir: dir, seed: 1 },
      ),
      (e: Error) => e.message.startsWith(path.join(dir, 'frac.idx')) && /label 1 is 1\.5/.test(e.message),
    );
    await assert.rejects(
      loadDataset(
        {
          dataset: 'idx',
          trainImages: 'img.idx',
          trainLabels: 'lab.idx',
          testImages: 'timg.idx',
          testLabels: 'tlab.idx',
          validationSplit: 0,
          normalize: 'scale',
        },
        { baseDir: dir, seed: 1 },
      ),
      (e: Error) => e.message.includes(path.join(dir, 'timg.idx')) && /shape \[3, 2, 1\].*\[2, 2, 1\]/.test(e.message),
    );
  });
});
