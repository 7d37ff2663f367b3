// What one run of a sweep shares with the others, in the sweep's shared folder: teachers trained once
// per identity (the first run to need one trains and publishes it, the others wait and load it), and
// frozen teachers' outputs on the training, validation and test splits, computed once and read back
// by every run. Both go through produceOnce, so runs side by side or SLURM tasks on several nodes
// never make one thing twice, and a maker that dies is replaced.
import * as fs from 'fs';
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { ModelMetrics } from '../../protocol/events';
import type { SweepRunInfo, SweepTeacherInfo } from '../../protocol/sweep';
import type { Split } from '../data/types';
import type { OutputTable } from '../train/teacherOutputs';
import { modelIdentity, outputsFile, outputsKey, readOutputs, splitIdentity, writeOutputs } from './outputCache';
import { produceOnce, type MakerLock } from './produceOnce';
import { publishSharedTeacher, readSharedTeacher, sharedTeacherDir, type SharedTeacher } from './sharedTeacher';

export interface ShareOptions {
  /** The shared folder, absolute. */
  dir: string;
  teachers: Record<string, SweepTeacherInfo>;
  /** This run's id (recorded as the maker). */
  owner: string;
  shouldStop: () => boolean;
  log: (message: string) => void;
  pollMs?: number;
}

export class SweepShare {
  /** The shared teachers this run used, with who trained each (for summary.json). */
  readonly used: Record<string, SweepTeacherInfo> = {};

  constructor(private readonly options: ShareOptions) {}

  get owner(): string {
    return this.options.owner;
  }

  /** The identity of the teacher this run trains as `stage`, when the sweep shares it. */
  teacherKey(stage: string): string | undefined {
    return this.options.teachers[stage]?.key;
  }

  private waiting(what: string) {
    return (holder: MakerLock) =>
      this.options.log(
        `waiting for ${what}, being made by run ${holder.owner} (process ${holder.pid} on ${holder.host})`,
      );
  }

  /** The published teacher `key`: read, or trained here by `train` and published, or waited for. */
  async teacher(
    stage: string,
    key: string,
    train: () => Promise<{ model: tf.LayersModel; metrics: ModelMetrics }>,
  ): Promise<SharedTeacher> {
    const { dir, owner } = this.options;
    const lockFile = `${sharedTeacherDir(dir, key)}.lock`;
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    const teacher = await produceOnce({
      lockFile,
      what: `the shared teacher ${key}`,
      owner,
      read: () => readSharedTeacher(dir, key),
      make: async () => {
        const trained = await train();
        return publishSharedTeacher(dir, key, trained.model, trained.metrics, owner);
      },
      shouldStop: this.options.shouldStop,
      onWait: this.waiting(`the shared teacher ${key} (${stage})`),
      pollMs: this.options.pollMs,
    });
    this.used[stage] = { key, trainedBy: teacher.trainedBy };
    return teacher;
  }

  /**
   * A frozen model's outputs on a split, from the shared cache, or computed by `compute` and stored.
   * `kind` names what is computed (which layers, which batching), so different outputs never share a file.
   */
  async outputs(
    model: tf.LayersModel,
    split: Split,
    inputShape: number[],
    kind: string,
    compute: () => OutputTable[],
  ): Promise<OutputTable[]> {
    const key = outputsKey({ model: modelIdentity(model), data: splitIdentity(split, inputShape), outputs: kind });
    const file = outputsFile(this.options.dir, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let made = false;
    const tables = await produceOnce({
      lockFile: `${file}.lock`,
      what: `the teacher's cached outputs ${key}`,
      owner: this.options.owner,
      read: () => readOutputs(file, key, split.count),
      make: async () => {
        made = true;
        const computed = compute();
        writeOutputs(file, key, split.count, computed);
        return computed;
      },
      shouldStop: this.options.shouldStop,
      onWait: this.waiting(`the teacher's cached outputs (${kind})`),
      pollMs: this.options.pollMs,
    });
    this.options.log(
      `teacher outputs (${kind}, ${split.count} examples) ${made ? 'computed and stored in' : 'read from'} the sweep's cache ${path.basename(file)}`,
    );
    return tables;
  }

  /** The run's sweep record with the shared teachers it used and who trained them. */
  record(sweep: SweepRunInfo): SweepRunInfo {
    if (!sweep.shared) return sweep;
    return { ...sweep, shared: { ...sweep.shared, teachers: { ...sweep.shared.teachers, ...this.used } } };
  }
}
