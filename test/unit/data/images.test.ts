import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { loadDataset } from '../../../src/engine/data';
import { resizeBilinear, toChannels, type Pixels } from '../../../src/engine/data/imageOps';
import type { ImageFolderData } from '../../../src/engine/config/types';
import { assertClose, ids, row, tempDir } from './helpers';

type Color = [number, number, number];

function rgba(width: number, height: number, color: (x: number, y: number) => Color): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([...color(x, y), 255], (y * width + x) * 4);
    }
  }
  return data;
}

function writePng(file: string, width: number, height: number, color: (x: number, y: number) => Color): void {
  const png = new PNG({ width, height });
  rgba(width, height, color).copy(png.data);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, PNG.sync.write(png));
}

function writeJpeg(file: string, width: number, height: number, color: (x: number, y: number) => Color): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, jpeg.encode({ width, height, data: rgba(width, height, color) }, 100).data);
}

function line(values: number[]): Pixels {
  return { width: values.length, height: 1, channels: 1, data: Float32Array.from(values) };
}

describe('image resizing and channels', () => {
  it('enlarges by bilinear interpolation between pixel centres', () => {
    // 2 → 4: output centres fall at 0.25, 0.75, 1.25, 1.75 in input pixels (centres 0.5, 1.5).
    const out = resizeBilinear(line([10, 50]), 1, 4);
    assert.deepStrictEqual(Array.from(out.data), [10, 20, 40, 50]);
  });

  it('shrinks with a widened triangle filter so every source pixel counts', () => {
    // 4 → 2: filter half-width 2; output 0 centred at 1.0 weighs pixels 0, 1, 2 by 0.75, 0.75, 0.25.
    const out = resizeBilinear(line([0, 4, 8, 100]), 1, 2);
    assertClose(out.data[0], (0.75 * 0 + 0.75 * 4 + 0.25 * 8) / 1.75, 1e-5, 'left');
    assertClose(out.data[1], (0.25 * 4 + 0.75 * 8 + 0.75 * 100) / 1.75, 1e-5, 'right');
  });

  it('resizes both axes and every channel independently, and keeps a same-size image', () => {
    const image: Pixels = { width: 2, height: 2, channels: 2, data: Float32Array.from([0, 1, 4, 1, 8, 1, 12, 1]) };
    const out = resizeBilinear(image, 4, 4);
    assert.strictEqual(out.data.length, 32);
    // Output (1, 1) sits at 0.75 of the way on both axes between the first and second centres.
    const at = (x: number, y: number, c: number): number => out.data[(y * 4 + x) * 2 + c];
    assertClose(at(1, 1, 0), 0.75 * 0.75 * 0 + 0.75 * 0.25 * 4 + 0.25 * 0.75 * 8 + 0.25 * 0.25 * 12, 1e-5, 'channel 0');
    assert.strictEqual(at(0, 0, 0), 0);
    assert.strictEqual(at(3, 3, 0), 12);
    for (let i = 1; i < 32; i += 2) assertClose(out.data[i], 1, 1e-6, 'channel 1');
    assert.strictEqual(resizeBilinear(image, 2, 2), image);
  });

  it('converts RGB to grey with the ITU-R 601 luma weights', () => {
    const grey = toChannels({ width: 1, height: 1, data: Uint8Array.from([200, 100, 50, 7]) }, 1);
    assertClose(grey.data[0], 0.299 * 200 + 0.587 * 100 + 0.114 * 50, 1e-4, 'luma');
    assert.deepStrictEqual(
      Array.from(toChannels({ width: 1, height: 1, data: Uint8Array.from([200, 100, 50, 7]) }, 3).data),
      [200, 100, 50],
    );
  });
});

describe('image folder datasets', () => {
  function folder(): string {
    const root = tempDir();
    // Class folders created out of order: classes follow sorted names.
    writePng(path.join(root, 'train', 'zebra', 'a.png'), 4, 4, () => [255, 0, 0]);
    writePng(path.join(root, 'train', 'zebra', 'b.PNG'), 8, 6, () => [0, 0, 255]);
    writeJpeg(path.join(root, 'train', 'ant', 'c.jpg'), 16, 16, () => [0, 255, 0]);
    fs.writeFileSync(path.join(root, 'train', 'ant', 'notes.txt'), 'not an image');
    fs.writeFileSync(path.join(root, 'train', '.DS_Store'), '');
    writePng(path.join(root, 'test', 'zebra', 'd.png'), 2, 2, (x) => (x === 0 ? [0, 0, 0] : [255, 255, 255]));
    return root;
  }

  const config = (extra: Partial<ImageFolderData>): ImageFolderData => ({
    dataset: 'images',
    train: 'train',
    test: 'test',
    imageSize: [2, 2],
    channels: 3,
    validationSplit: 0,
    normalize: 'scale',
    ...extra,
  });

  it('reads PNG and JPEG files per class folder, resized to [h, w, c] and scaled to [0, 1]', async () => {
    const root = folder();
    const data = await loadDataset(config({}), { baseDir: root, seed: 1 });
    assert.deepStrictEqual(data.inputShape, [2, 2, 3]);
    assert.deepStrictEqual(data.classNames, ['ant', 'zebra']);
    assert.deepStrictEqual(ids(data.train), [0, 1, 1]);
    assert.strictEqual(data.name, 'train');
    // JPEG is lossy: a flat green decodes to within a few levels.
    row(data.train, 0).forEach((v, i) => assertClose(v, [0, 1, 0][i % 3], 4 / 255, `jpeg value ${i}`));
    assert.deepStrictEqual(row(data.train, 1), [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
    assert.deepStrictEqual(row(data.train, 2), [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    assert.deepStrictEqual(ids(data.test), [1]);
    assert.deepStrictEqual(row(data.test, 0), [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]);
  });

  it('converts to one grey channel', async () => {
    const data = await loadDataset(config({ channels: 1, imageSize: [3, 5] }), { baseDir: folder(), seed: 1 });
    assert.deepStrictEqual(data.inputShape, [3, 5, 1]);
    assert.strictEqual(data.train.x.length, 3 * 15);
    row(data.train, 1).forEach((v) => assertClose(v, (0.299 * 255) / 255, 1e-6, 'red as grey'));
    row(data.train, 2).forEach((v) => assertClose(v, (0.114 * 255) / 255, 1e-6, 'blue as grey'));
  });

  it('carves a test split when there is no test folder', async () => {
    const root = tempDir();
    for (let i = 0; i < 10; i++)
      writePng(path.join(root, i % 2 ? 'odd' : 'even', `${i}.png`), 2, 2, () => [i * 20, 0, 0]);
    const data = await loadDataset(config({ train: '.', test: undefined, testSplit: 0.2 }), { baseDir: root, seed: 1 });
    assert.strictEqual(data.test.count, 2);
    assert.strictEqual(data.train.count, 8);
    const reds = [data.train, data.test].flatMap((s) =>
      Array.from({ length: s.count }, (_, i) => Math.round(row(s, i)[0] * 255)),
    );
    assert.deepStrictEqual(
      reds.sort((a, b) => a - b),
      Array.from({ length: 10 }, (_, i) => i * 20),
    );
  });

  it('names the file that is not an image, and the test folder whose class is unknown', async () => {
    const root = folder();
    const bad = path.join(root, 'train', 'ant', 'broken.png');
    fs.writeFileSync(bad, 'hello');
    await assert.rejects(
      loadDataset(config({}), { baseDir: root, seed: 1 }),
      (e: Error) => e.message === `${bad}: not a PNG or JPEG file`,
    );
    fs.unlinkSync(bad);
    writePng(path.join(root, 'test', 'cat', 'e.png'), 2, 2, () => [0, 0, 0]);
    await assert.rejects(
      loadDataset(config({}), { baseDir: root, seed: 1 }),
      (e: Error) =>
        e.message.startsWith(path.join(root, 'test')) && /class folders cat have no counterpart/.test(e.message),
    );
    await assert.rejects(
      loadDataset(config({ train: 'missing' }), { baseDir: root, seed: 1 }),
      /cannot read image folder .*missing: no such folder/,
    );
    await assert.rejects(
      loadDataset(config({ imageSize: [0, 2] }), { baseDir: root, seed: 1 }),
      /imageSize must be \[height, width\]/,
    );
  });
});
