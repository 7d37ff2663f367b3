// Small CIFAR folders in the official binary formats, for loader and end-to-end tests: each
// image is a function of its record number, so a test can check where every byte went.
import * as fs from 'fs';
import * as path from 'path';

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
