// A frozen teacher's outputs on one split, kept on disk in the sweep's shared folder so the runs of a
// sweep compute them once. A file is named by a key over the teacher's identity (its layers' configs
// and weights), the outputs asked for (tapped layers, how they were computed) and the data's identity
// (a hash of the split's examples). It is written whole to a temporary name and renamed into place;
// a reader checks the key, the sizes and a SHA-256 of the payload, so a torn or stale file is refused
// (and made again), never used.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { Split } from '../data/types';
import { writeFileAtomic } from '../store/atomic';
import type { OutputTable } from '../train/teacherOutputs';
import { canonicalJson } from './teacherKeys';

export type { OutputTable };

export const OUTPUTS_DIR = 'teacher-outputs';
const MAGIC = 'KD-TEACHER-OUTPUTS 1';

interface Header {
  key: string;
  count: number;
  tables: { name: string | null; shape: number[]; rowSize: number }[];
  bytes: number;
  sha256: string;
}

const modelIds = new WeakMap<tf.LayersModel, string>();
const splitIds = new WeakMap<Split, string>();

/** What the model computes: its layers' configs (names aside) and all its weights. Valid while the model is frozen. */
export function modelIdentity(model: tf.LayersModel): string {
  const known = modelIds.get(model);
  if (known) return known;
  const hash = createHash('sha256');
  for (const layer of model.layers) {
    const { name: _name, ...config } = layer.getConfig() as Record<string, unknown>;
    hash.update(`${layer.getClassName()}${canonicalJson(config)}`);
  }
  for (const weight of model.getWeights()) {
    hash.update(JSON.stringify(weight.shape));
    const values = weight.dataSync() as Float32Array;
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  const id = hash.digest('hex');
  modelIds.set(model, id);
  return id;
}

/** The examples of a split (and their shape), hashed once per split object. */
export function splitIdentity(split: Split, inputShape: number[]): string {
  const known = splitIds.get(split);
  if (known) return known;
  const id = createHash('sha256')
    .update(JSON.stringify([split.count, inputShape]))
    .update(new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength))
    .digest('hex');
  splitIds.set(split, id);
  return id;
}

export function outputsKey(parts: { model: string; data: string; outputs: string }): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex').slice(0, 24);
}

export function outputsFile(sharedDir: string, key: string): string {
  return path.join(sharedDir, OUTPUTS_DIR, `${key}.bin`);
}

export function writeOutputs(file: string, key: string, count: number, tables: OutputTable[]): void {
  const payload = Buffer.concat(tables.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  const header: Header = {
    key,
    count,
    tables: tables.map(({ name, shape, rowSize }) => ({ name, shape, rowSize })),
    bytes: payload.length,
    sha256: createHash('sha256').update(payload).digest('hex'),
  };
  writeFileAtomic(file, Buffer.concat([Buffer.from(`${MAGIC}\n${JSON.stringify(header)}\n`), payload]));
}

/** The tables stored under `key` for `count` examples, or undefined when the file is missing, torn, or another's. */
export function readOutputs(file: string, key: string, count: number): OutputTable[] | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const first = bytes.indexOf(0x0a);
  const second = first < 0 ? -1 : bytes.indexOf(0x0a, first + 1);
  if (second < 0 || bytes.subarray(0, first).toString() !== MAGIC) return undefined;
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(first + 1, second).toString()) as Header;
  } catch {
    return undefined;
  }
  const payload = bytes.subarray(second + 1);
  const expected = header.tables?.reduce((sum, t) => sum + t.rowSize * count * 4, 0);
  if (header.key !== key || header.count !== count || payload.length !== header.bytes || payload.length !== expected)
    return undefined;
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256) return undefined;
  let offset = 0;
  return header.tables.map((t) => {
    const size = t.rowSize * count * 4;
    // A copy: Float32Array needs 4-byte alignment, which the payload's offset in the file need not have.
    const data = new Float32Array(
      payload.buffer.slice(payload.byteOffset + offset, payload.byteOffset + offset + size),
    );
    offset += size;
    return { ...t, data };
  });
}
