// A tiny data set in CIFAR-100's binary format (one coarse label byte, one fine label byte, 3,072
// pixel bytes per record), so the CIFAR example's smoke cell runs where the real files are absent.
import * as fs from 'fs';
import * as path from 'path';

const RECORD = 2 + 32 * 32 * 3;

function records(count: number, seed: number): Buffer {
  const bytes = Buffer.alloc(count * RECORD);
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
  for (let i = 0; i < count; i++) {
    const fine = i % 100;
    bytes[i * RECORD] = Math.floor(fine / 5);
    bytes[i * RECORD + 1] = fine;
    // Each class gets its own mean brightness, so the task is learnable.
    for (let p = 2; p < RECORD; p++) bytes[i * RECORD + p] = (fine * 2 + (next() >> 2)) & 255;
  }
  return bytes;
}

/** Writes train.bin (600 records) and test.bin (300) into `dir`; returns `dir`. */
export function writeCifar100Binary(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train.bin'), records(600, 1));
  fs.writeFileSync(path.join(dir, 'test.bin'), records(300, 2));
  return dir;
}
