import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Experiment } from '../../../src/engine/config/types';

export function tempDir(prefix = 'kd-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A resolved experiment on small synthetic data that trains in about a second. */
export function syntheticExperiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    name: 'synthetic-kd',
    sourceFile: path.join(tempDir(), 'synthetic.kd.json'),
    seed: 3,
    backend: 'cpu',
    data: {
      dataset: 'synthetic',
      shape: [12],
      classes: 4,
      trainSize: 320,
      testSize: 160,
      validationSplit: 0.2,
      normalize: 'none',
      dataSeed: 1,
    },
    teacher: { preset: 'mlp', hidden: [32] },
    student: { preset: 'mlp', hidden: [6] },
    distill: {
      scheme: 'offline',
      cacheTeacher: true,
      losses: [
        { type: 'ce', weight: 0.5 },
        { type: 'kd', weight: 0.5, temperature: 4, scaleByTemperatureSquared: true },
      ],
    },
    train: {
      epochs: 2,
      batchSize: 32,
      optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
      schedule: { type: 'constant' },
    },
    baseline: true,
    ...overrides,
  };
}
