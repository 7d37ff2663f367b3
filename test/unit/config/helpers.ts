import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Problem } from '../../../src/engine/config';
import { validateExperimentText } from '../../../src/engine/config';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'config');
export const VALID = path.join(FIXTURES, 'valid');
export const BROKEN = path.join(FIXTURES, 'broken');

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kd-config-'));
}

/** Writes files (relative path → text or JSON value) under a fresh folder; returns the folder. */
export function writeFiles(files: Record<string, string | object>, dir = tempDir()): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

export function problemsOf(file: string): Problem[] {
  return validateExperimentText(fs.readFileSync(file, 'utf8'), file);
}

export function errorsOf(file: string): Problem[] {
  return problemsOf(file).filter((p) => p.severity === 'error');
}

/** Every `*.kd.json` under a folder, recursively. */
export function experimentFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : experimentFiles(full);
    return entry.name.endsWith('.kd.json') ? [full] : [];
  });
}

/** A valid single experiment (as written) for tests to vary. */
export function baseExperiment(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    data: { dataset: 'synthetic', shape: [4], classes: 2, trainSize: 20, testSize: 10 },
    teacher: { preset: 'mlp', hidden: [8] },
    student: { preset: 'mlp', hidden: [2] },
    distill: {
      losses: [
        { type: 'ce', weight: 0.5 },
        { type: 'kd', weight: 0.5 },
      ],
    },
    ...extra,
  };
}
