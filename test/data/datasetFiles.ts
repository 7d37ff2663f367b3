// Small data sets in the official file formats (CIFAR binary records, IDX), shared by the loader
// tests, the vision examples' smoke tests and the quick slice of `npm run reproduce`: each byte is
// a function of its record number, so a test can check where every byte went, and each IDX image's
// brightness follows its class, so a model can learn the task.
import * as fs from 'fs';
import * as path from 'path';
import { writeIdx } from '../../src/engine/data';

/** The byte of record `r` at row y, column x, channel c. */
export function cifarPixel(r: number, y: number, x: number, c: number): number {
  return (r * 7 + y * 3 + x * 5 + c * 60) % 256;
}

/** Records with label bytes `labels(r)` followed by the R, G and B planes of 32×32. */
export function cifarRecords(count: number, labels: (r: number) => number[], first = 0): Uint8Array {
  const labelBytes = labels(0).length;
  const record = labelBytes + 3072;
  const bytes = new Uint8Array(count * record);
  for (let i = 0; i < count; i++) {
    const r = first + i;
    bytes.set(labels(r), i * record);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) bytes[i * record + labelBytes + c * 1024 + y * 32 + x] = cifarPixel(r, y, x, c);
  }
  return bytes;
}

/** A CIFAR-10 folder: five training batches of `perBatch` records and a test batch; label r mod 10. */
export function writeCifar10(dir: string, perBatch = 4, testCount = 6): string {
  fs.mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++)
    fs.writeFileSync(
      path.join(dir, `data_batch_${b}.bin`),
      cifarRecords(perBatch, (r) => [r % 10], (b - 1) * perBatch),
    );
  fs.writeFileSync(
    path.join(dir, 'test_batch.bin'),
    cifarRecords(testCount, (r) => [r % 10], 1000),
  );
  return dir;
}

/** A CIFAR-100 folder: coarse label r mod 20, fine label r mod 100. */
export function writeCifar100(dir: string, trainCount = 12, testCount = 4): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'train.bin'),
    cifarRecords(trainCount, (r) => [r % 20, r % 100]),
  );
  fs.writeFileSync(
    path.join(dir, 'test.bin'),
    cifarRecords(testCount, (r) => [r % 20, r % 100], 500),
  );
  return dir;
}

/** `count` 28×28 images from record `first` on: class r mod 10, brightness 25 per class plus a ripple. */
function idxImages(count: number, first: number): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const r = first + i;
    labels[i] = r % 10;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = labels[i] * 25 + ((r * 7 + p * 3) % 32);
  }
  return { images, labels };
}

/**
 * The four files of MNIST or Fashion-MNIST under their distributed names, gzipped (as downloaded)
 * or not (as unpacked); the test images continue the training records' numbering.
 */
export function writeMnistIdx(dir: string, trainCount = 30, testCount = 10, gzip = true): string {
  fs.mkdirSync(dir, { recursive: true });
  const ext = gzip ? '.gz' : '';
  const train = idxImages(trainCount, 0);
  const test = idxImages(testCount, trainCount);
  writeIdx(path.join(dir, `train-images-idx3-ubyte${ext}`), [trainCount, 28, 28], train.images);
  writeIdx(path.join(dir, `train-labels-idx1-ubyte${ext}`), [trainCount], train.labels);
  writeIdx(path.join(dir, `t10k-images-idx3-ubyte${ext}`), [testCount, 28, 28], test.images);
  writeIdx(path.join(dir, `t10k-labels-idx1-ubyte${ext}`), [testCount], test.labels);
  return dir;
}
