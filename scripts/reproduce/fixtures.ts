// Tiny data sets in the real file formats, so the quick slice of an example whose data does not ship
// (CIFAR-100, Fashion-MNIST) runs anywhere: the pipeline is checked, not accuracy. Each class gets its
// own mean brightness, so the task is learnable.
import * as fs from 'fs';
import * as path from 'path';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
}

const CIFAR_RECORD = 2 + 32 * 32 * 3;

/** CIFAR-100's binary records: coarse label byte, fine label byte, 3,072 pixel bytes. */
function cifarRecords(count: number, seed: number): Buffer {
  const bytes = Buffer.alloc(count * CIFAR_RECORD);
  const next = lcg(seed);
  for (let i = 0; i < count; i++) {
    const fine = i % 100;
    bytes[i * CIFAR_RECORD] = Math.floor(fine / 5);
    bytes[i * CIFAR_RECORD + 1] = fine;
    for (let p = 2; p < CIFAR_RECORD; p++) bytes[i * CIFAR_RECORD + p] = (fine * 2 + (next() >> 2)) & 255;
  }
  return bytes;
}

/** Writes train.bin (600 records) and test.bin (300) into `dir`; returns `dir`. */
export function writeCifar100Binary(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train.bin'), cifarRecords(600, 1));
  fs.writeFileSync(path.join(dir, 'test.bin'), cifarRecords(300, 2));
  return dir;
}

/** An IDX pair (images 28×28 u8, labels u8) of `count` examples over 10 classes. */
function idxPair(count: number, seed: number): { images: Buffer; labels: Buffer } {
  const next = lcg(seed);
  const images = Buffer.alloc(16 + count * 784);
  images.writeUInt32BE(0x803, 0);
  images.writeUInt32BE(count, 4);
  images.writeUInt32BE(28, 8);
  images.writeUInt32BE(28, 12);
  const labels = Buffer.alloc(8 + count);
  labels.writeUInt32BE(0x801, 0);
  labels.writeUInt32BE(count, 4);
  for (let i = 0; i < count; i++) {
    const label = i % 10;
    labels[8 + i] = label;
    for (let p = 0; p < 784; p++) images[16 + i * 784 + p] = (label * 20 + (next() >> 2)) & 255;
  }
  return { images, labels };
}

/** The four Fashion-MNIST IDX files under their distributed names (600 training, 300 test examples). */
export function writeFashionMnistIdx(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const train = idxPair(600, 1);
  const test = idxPair(300, 2);
  fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte'), train.images);
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), train.labels);
  fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), test.images);
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), test.labels);
  return dir;
}
