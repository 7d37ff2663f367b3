// Augmentation ops against hand-made images: shift offsets with zero and reflected fill, flips,
// cutout squares, mixup and cutmix weights and labels, per-channel normalisation, the Beta sampler.
import * as assert from 'assert';
import type { AugmentSpec } from '../../../../src/engine/config/types';
import { augmentBatch, checkAugment } from '../../../../src/engine/data/augment/augment';
import { betaSample } from '../../../../src/engine/data/augment/beta';
import { shiftImage, reflectIndex } from '../../../../src/engine/data/augment/imageOps';
import type { Batch } from '../../../../src/engine/data/types';
import { createRng } from '../../../../src/engine/random';

const G = { height: 4, width: 4, channels: 1 };
/** 1 … 16 row by row. */
const RAMP = Float32Array.from({ length: 16 }, (_, i) => i + 1);

function rows(x: ArrayLike<number>, w = 4): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.length; i += w) out.push(Array.from(x).slice(i, i + w));
  return out;
}

/** A batch of `n` copies of a h×w×c image made by `pixel(i, y, x, c)`, labels i mod classes. */
function batchOf(
  n: number,
  h: number,
  w: number,
  c: number,
  pixel: (i: number, y: number, x: number, ch: number) => number,
  classes = 10,
): Batch {
  const x = new Float32Array(n * h * w * c);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++) x[((i * h + y) * w + xx) * c + ch] = pixel(i, y, xx, ch);
  return {
    x,
    y: Int32Array.from({ length: n }, (_, i) => i % classes),
    indices: Int32Array.from({ length: n }, (_, i) => i),
    size: n,
  };
}

const context = (shape: number[], classes = 10) => ({ seed: 3, epoch: 1, inputShape: shape, classes });

function image(batch: Batch, i: number, size: number): number[] {
  return Array.from(batch.x.subarray(i * size, (i + 1) * size));
}

describe('augmentation ops on hand-made images', () => {
  it('shifts with zero fill: a crop of the 1-padded image at offset (0, 2) is a shift by (1, −1)', () => {
    const out = new Float32Array(16);
    shiftImage(RAMP, out, G, 1, -1, false);
    assert.deepStrictEqual(rows(out), [
      [0, 0, 0, 0],
      [2, 3, 4, 0],
      [6, 7, 8, 0],
      [10, 11, 12, 0],
    ]);
  });

  it('shifts with reflected fill as PyTorch pads with mode "reflect"', () => {
    assert.deepStrictEqual(
      [-2, -1, 0, 3, 4, 5].map((i) => reflectIndex(i, 4)),
      [2, 1, 0, 3, 2, 1],
    );
    const out = new Float32Array(16);
    shiftImage(RAMP, out, G, 1, -1, true);
    assert.deepStrictEqual(rows(out), [
      [6, 7, 8, 7],
      [2, 3, 4, 3],
      [6, 7, 8, 7],
      [10, 11, 12, 11],
    ]);
  });

  it('randomCrop yields every offset within the padding and nothing else', () => {
    const n = 400;
    const batch = batchOf(n, 4, 4, 1, (_i, y, x) => y * 4 + x + 1);
    const out = augmentBatch(batch, [{ type: 'randomCrop', padding: 1 }], context([4, 4, 1]));
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const got = image(out, i, 16);
      const match = [-1, 0, 1]
        .flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx]))
        .find(([dy, dx]) => {
          const want = new Float32Array(16);
          shiftImage(RAMP, want, G, dy, dx, false);
          return Array.from(want).every((v, k) => v === got[k]);
        });
      assert.ok(match, `example ${i} is no shift of at most 1 pixel: ${JSON.stringify(rows(got))}`);
      seen.add(match.join(','));
    }
    assert.strictEqual(seen.size, 9);
    assert.strictEqual(out.augmented, true);
    assert.deepStrictEqual(Array.from(batch.x.subarray(0, 16)), Array.from(RAMP), 'the source batch is left as it was');
  });

  it('horizontalFlip mirrors about half of the images and leaves the rest', () => {
    const n = 1000;
    const batch = batchOf(n, 2, 3, 2, (_i, y, x, c) => 10 * y + x + 100 * c);
    const out = augmentBatch(batch, [{ type: 'horizontalFlip' }], context([2, 3, 2]));
    const mirrored = [2, 102, 1, 101, 0, 100, 12, 112, 11, 111, 10, 110];
    let flips = 0;
    for (let i = 0; i < n; i++) {
      const got = image(out, i, 12);
      if (got.join() === mirrored.join()) flips++;
      else assert.deepStrictEqual(got, image(batch, i, 12));
    }
    assert.ok(flips > 430 && flips < 570, `${flips} of ${n} flipped`);
  });

  it('translate shifts by at most `pixels` with zero fill', () => {
    const batch = batchOf(200, 8, 8, 1, () => 1);
    const out = augmentBatch(batch, [{ type: 'translate', pixels: 2 }], context([8, 8, 1]));
    for (let i = 0; i < 200; i++) {
      const got = image(out, i, 64);
      const zeros = got.filter((v) => v === 0).length;
      // A shift by (dy, dx) leaves (8 − |dy|)(8 − |dx|) ones.
      const ones = 64 - zeros;
      assert.ok([36, 42, 48, 49, 56, 64].includes(ones), `example ${i}: ${ones} ones`);
    }
  });

  it('cutout zeroes one size × size square (clipped at the border) and nothing else', () => {
    const batch = batchOf(300, 8, 8, 1, () => 5);
    const out = augmentBatch(batch, [{ type: 'cutout', size: 4 }], context([8, 8, 1]));
    let full = 0;
    for (let i = 0; i < 300; i++) {
      const got = image(out, i, 64);
      const zero = got.map((v, k) => (v === 0 ? k : -1)).filter((k) => k >= 0);
      assert.ok(got.every((v) => v === 0 || v === 5));
      const ys = zero.map((k) => Math.floor(k / 8));
      const xs = zero.map((k) => k % 8);
      const h = Math.max(...ys) - Math.min(...ys) + 1;
      const w = Math.max(...xs) - Math.min(...xs) + 1;
      assert.strictEqual(zero.length, h * w, 'a rectangle');
      assert.ok(h <= 4 && w <= 4 && h >= 2 && w >= 2);
      if (h === 4 && w === 4) full++;
    }
    assert.ok(full > 100, `${full} whole squares`);
  });

  it('mixup mixes image i with image n−1−i and the labels with the same weight', () => {
    const n = 6;
    const batch = batchOf(n, 2, 2, 1, (i) => i * 10, 6);
    const out = augmentBatch(batch, [{ type: 'mixup', alpha: 0.4 }], context([2, 2, 1], 6));
    assert.ok(out.targets);
    for (let i = 0; i < n; i++) {
      const j = n - 1 - i;
      const got = image(out, i, 4);
      const lam = i === j ? 1 : (got[0] - j * 10) / (i * 10 - j * 10);
      assert.ok(
        got.every((v) => Math.abs(v - got[0]) < 1e-4),
        'a constant image stays constant',
      );
      assert.ok(lam >= 0 && lam <= 1);
      const t = Array.from(out.targets.subarray(i * 6, i * 6 + 6));
      const want = new Array<number>(6).fill(0);
      want[i] += lam;
      want[j] += 1 - lam;
      t.forEach((v, k) => assert.ok(Math.abs(v - want[k]) < 1e-4, `example ${i}: targets ${t} vs ${want}`));
      assert.strictEqual(out.y[i], lam >= 0.5 ? i : j);
    }
  });

  it('cutmix labels carry the pasted area exactly', () => {
    const n = 50;
    const batch = batchOf(n, 8, 8, 1, (i) => (i < 25 ? 1 : 2), 2);
    batch.y = Int32Array.from({ length: n }, (_, i) => (i < 25 ? 0 : 1));
    const out = augmentBatch(batch, [{ type: 'cutmix', alpha: 1 }], context([8, 8, 1], 2));
    assert.ok(out.targets);
    let mixed = 0;
    for (let i = 0; i < n; i++) {
      const own = i < 25 ? 1 : 2;
      const got = image(out, i, 64);
      const kept = got.filter((v) => v === own).length / 64;
      assert.ok(Math.abs(out.targets[i * 2 + (own - 1)] - kept) < 1e-6, `example ${i}`);
      assert.ok(Math.abs(out.targets[i * 2] + out.targets[i * 2 + 1] - 1) < 1e-6);
      if (kept < 1) mixed++;
    }
    assert.ok(mixed > 30);
  });

  it('normalize subtracts each channel mean and divides by its std', () => {
    const batch = batchOf(1, 1, 2, 3, (_i, _y, x, c) => x + c);
    const out = augmentBatch(batch, [{ type: 'normalize', mean: [0, 1, 2], std: [1, 2, 4] }], context([1, 2, 3]));
    assert.deepStrictEqual(Array.from(out.x), [0, 0, 0, 1, 0.5, 0.25]);
  });

  it('applies ops in order: a flip after a cutout moves the square', () => {
    const ops: AugmentSpec[] = [{ type: 'cutout', size: 2 }];
    const batch = batchOf(64, 6, 6, 1, () => 1);
    const cut = augmentBatch(batch, ops, context([6, 6, 1]));
    const both = augmentBatch(batch, [...ops, { type: 'horizontalFlip' }], context([6, 6, 1]));
    let differ = 0;
    for (let i = 0; i < 64; i++) if (image(cut, i, 36).join() !== image(both, i, 36).join()) differ++;
    assert.ok(differ > 10 && differ < 64);
  });

  it('draws Beta(α, α) with the right mean and variance', () => {
    for (const alpha of [0.2, 1, 3]) {
      const rng = createRng(alpha * 100);
      const n = 40000;
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < n; i++) {
        const v = betaSample(rng, alpha, alpha);
        assert.ok(v >= 0 && v <= 1);
        sum += v;
        squares += v * v;
      }
      const mean = sum / n;
      const variance = squares / n - mean * mean;
      assert.ok(Math.abs(mean - 0.5) < 0.01, `α ${alpha}: mean ${mean}`);
      const want = 1 / (4 * (2 * alpha + 1));
      assert.ok(Math.abs(variance - want) < 0.05 * want + 0.002, `α ${alpha}: variance ${variance} vs ${want}`);
    }
  });

  it('names the op and what was expected for bad parameters or non-image data', () => {
    assert.throws(
      () => checkAugment([{ type: 'randomCrop', padding: 40 }], [32, 32, 3]),
      /data\.augment\[0\] \(randomCrop\): padding must be an integer from 1 to 31/,
    );
    assert.throws(
      () => checkAugment([{ type: 'horizontalFlip' }, { type: 'mixup', alpha: 0 }], [32, 32, 3]),
      /data\.augment\[1\] \(mixup\): alpha must be a positive number/,
    );
    assert.throws(
      () => checkAugment([{ type: 'normalize', mean: [0.5], std: [0.2] }], [32, 32, 3]),
      /mean must list one number per channel \(3\)/,
    );
    assert.throws(
      () => checkAugment([{ type: 'horizontalFlip' }], [784]),
      /images of shape \[height, width, channels\]; this dataset's examples have shape \[784\]/,
    );
  });
});
