// A teacher trained once for a sweep and reused by its points: `shared/teachers/<key>/` holds the
// teacher's best-validation weights (model.json, weights.bin), its measured metrics and the run that
// trained it, with a SHA-256 of each file. The folder is built under a temporary name and switched in
// by one rename, and a reader checks every hash, so a torn or partial teacher is never used.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { ModelMetrics } from '../../protocol/events';
import { saveModel } from '../models/io';
import { writeJsonAtomic } from '../store/atomic';

export const TEACHERS_DIR = 'teachers';
const RECORD = 'teacher.json';
const FILES = ['model.json', 'weights.bin'];

export interface SharedTeacher {
  /** The folder (its model.json is the teacher). */
  dir: string;
  key: string;
  /** Metrics measured by the run that trained it. */
  metrics: ModelMetrics;
  /** The run that trained it. */
  trainedBy: string;
}

interface TeacherRecord {
  version: 1;
  key: string;
  metrics: ModelMetrics;
  trainedBy: string;
  sha256: Record<string, string>;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function sharedTeacherDir(sharedDir: string, key: string): string {
  return path.join(sharedDir, TEACHERS_DIR, key);
}

export function modelJsonOf(teacher: SharedTeacher): string {
  return path.join(teacher.dir, 'model.json');
}

/** The published teacher of `key`, or undefined when there is none or it fails its checks. */
export function readSharedTeacher(sharedDir: string, key: string): SharedTeacher | undefined {
  const dir = sharedTeacherDir(sharedDir, key);
  try {
    const record = JSON.parse(fs.readFileSync(path.join(dir, RECORD), 'utf8')) as TeacherRecord;
    if (record.version !== 1 || record.key !== key) return undefined;
    for (const name of FILES) if (sha256(path.join(dir, name)) !== record.sha256[name]) return undefined;
    return { dir, key, metrics: record.metrics, trainedBy: record.trainedBy };
  } catch {
    return undefined;
  }
}

/** Publishes a trained teacher (its live weights) under `key`: written aside, checked, switched in by rename. */
export async function publishSharedTeacher(
  sharedDir: string,
  key: string,
  model: tf.LayersModel,
  metrics: ModelMetrics,
  trainedBy: string,
): Promise<SharedTeacher> {
  const dir = sharedTeacherDir(sharedDir, key);
  const temp = path.join(path.dirname(dir), `.${key}.tmp-${process.pid}-${Date.now()}`);
  await saveModel(model, temp);
  const record: TeacherRecord = {
    version: 1,
    key,
    metrics,
    trainedBy,
    sha256: Object.fromEntries(FILES.map((name) => [name, sha256(path.join(temp, name))])),
  };
  writeJsonAtomic(path.join(temp, RECORD), record);
  // A folder left by a maker that died after its rename but failed its checks is replaced.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(temp, dir);
  return { dir, key, metrics, trainedBy };
}
