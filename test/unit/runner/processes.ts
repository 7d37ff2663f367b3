import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Starts an entry point from source (no build needed) with the same Node. */
export function startTs(entry: string, args: string[], cwd = ROOT): ChildProcess {
  return spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, entry), ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess, onLine?: (line: string) => void): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine?.(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** A tiny synthetic experiment file: 3 epochs of a few steps each, so a run lasts seconds. */
export function writeSyntheticFile(dir: string, name = 'tiny.kd.json', extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        name: name.replace(/\.kd\.json$/, ''),
        seed: 2,
        backend: 'cpu',
        data: { dataset: 'synthetic', shape: [10], classes: 3, trainSize: 600, testSize: 120, validationSplit: 0.2 },
        teacher: { preset: 'mlp', hidden: [24] },
        student: { preset: 'mlp', hidden: [6] },
        distill: {
          losses: [
            { type: 'ce', weight: 0.5 },
            { type: 'kd', weight: 0.5, temperature: 4 },
          ],
        },
        train: { epochs: 3, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 } },
        ...extra,
      },
      null,
      2,
    ),
  );
  return file;
}
