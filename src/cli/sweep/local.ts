// Runs the points of a sweep on this machine: up to N `kd run --sweep-point` processes at once, each
// told KD_CONCURRENT_RUNNERS = N so its thread policy takes its share of the cores (at most
// cores / N, fewer when other work loads the machine) instead of fighting the others for them.
// A point that fails does not stop the others. Ctrl+C (or SIGTERM) asks every runner to stop after
// its current step (each saves a checkpoint, so `kd sweep --resume` continues); a second one kills them.
import { spawn, type ChildProcess } from 'child_process';
import * as readline from 'readline';
import { parseEventLine, type RunSummary } from '../../protocol/events';
import type { SweepPointStatus, SweepRecord } from '../../protocol/sweep';
import { RUNNERS_VARIABLE } from '../../engine/backend/threadPolicy';

export interface LocalOptions {
  concurrency: number;
  backend?: string;
  /** Called when a point ends, with its status and summary (when it wrote one). */
  onPointEnd?: (index: number, status: SweepPointStatus, summary: RunSummary | undefined, stderr: string) => void;
  onPointStart?: (index: number) => void;
}

/** The command line of one point: this same `kd` (and Node flags, e.g. a TypeScript loader in tests). */
export function pointCommand(
  record: SweepRecord,
  index: number,
  backend?: string,
): { command: string; args: string[] } {
  const args = [...process.execArgv, process.argv[1], 'run', record.sourceFile];
  if (record.cell !== undefined) args.push('--cell', record.cell);
  args.push('--sweep-point', String(index), '--sweep-id', record.id, '--runs-dir', record.runsDir, '--json');
  if (backend) args.push('--backend', backend);
  return { command: process.execPath, args };
}

export async function runLocal(
  record: SweepRecord,
  indices: readonly number[],
  options: LocalOptions,
): Promise<Map<number, SweepPointStatus>> {
  const queue = [...indices];
  const running = new Map<number, ChildProcess>();
  const results = new Map<number, SweepPointStatus>();
  let stopping = 0;
  const onSignal = () => {
    stopping++;
    queue.length = 0;
    for (const child of running.values()) child.kill(stopping > 1 ? 'SIGKILL' : 'SIGTERM');
    process.stderr.write(
      stopping > 1
        ? '\nkilling the runners\n'
        : `\nstopping ${running.size} runner(s) after their current step (checkpoints are saved; continue with kd sweep --resume)… press Ctrl+C again to kill them\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const start = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const { command, args } = pointCommand(record, index, options.backend);
      const child = spawn(command, args, {
        env: { ...process.env, [RUNNERS_VARIABLE]: String(options.concurrency) },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: a terminal's Ctrl+C reaches only kd sweep, which asks each runner once.
        detached: true,
      });
      running.set(index, child);
      options.onPointStart?.(index);
      let summary: RunSummary | undefined;
      let stderr = '';
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        const event = parseEventLine(line);
        if (event?.type === 'summary') summary = event.summary;
      });
      child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      child.on('close', (code) => {
        running.delete(index);
        const status: SweepPointStatus =
          code === 0 ? 'done' : code === 130 || (stopping > 0 && code === null) ? 'stopped' : 'failed';
        results.set(index, status);
        options.onPointEnd?.(index, status, summary, stderr);
        resolve();
      });
    });

  const worker = async () => {
    for (;;) {
      const next = queue.shift();
      if (next === undefined) return;
      await start(next);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, indices.length)) }, worker));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  for (const index of indices) if (!results.has(index)) results.set(index, 'queued');
  return results;
}
