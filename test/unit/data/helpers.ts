import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeIdx } from '../../../src/engine/data';
import type { Split } from '../../../src/engine/data';

const made: string[] = [];
process.on('exit', () => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A fresh folder, removed when the test process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-data-'));
  made.push(dir);
  return dir;
}

/**
 * IDX files of `count` examples whose label is their id and whose features are
 * [id, id², 7]: any split can then be traced back to the source rows by its labels.
 */
export function writeIdentifiedIdx(dir: string, count: number, prefix = 'train'): { images: string; labels: string } {
  const x = new Float32Array(count * 3);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    x.set([i, i * i, 7], i * 3);
    y[i] = i;
  }
  const images = path.join(dir, `${prefix}-images.idx`);
  const labels = path.join(dir, `${prefix}-labels.idx`);
  writeIdx(images, [count, 3], x);
  writeIdx(labels, [count], y);
  return { images, labels };
}

export function ids(split: Split): number[] {
  return Array.from(split.y);
}

/** Row `i` of a split as a plain array. */
export function row(split: Split, i: number): number[] {
  const size = split.x.length / split.count;
  return Array.from(split.x.subarray(i * size, (i + 1) * size));
}

export function assertClose(actual: number, expected: number, tolerance: number, what = 'value'): void {
  if (!(Math.abs(actual - expected) <= tolerance))
    throw new Error(`${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}
