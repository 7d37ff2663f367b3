// The extension host's view of a run: a runner process trains while the host reads its JSON event
// lines from stdout. The host must stay responsive, so the delay of this process's event loop is
// measured while it does exactly that, next to the same measurement with no run going.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'perf_hooks';
import type { Unavailable } from './python';

/**
 * How late the event loop ran a timer that fires every RESOLUTION_MS: the histogram's samples
 * minus that interval (Node records the whole interval, so an idle loop reads about 10 ms).
 */
export interface DelayStats {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EventLoopMeasure {
  available: true;
  runner: string;
  backend: string;
  durationMs: number;
  /** The sampling interval of the delay monitor. */
  resolutionMs: number;
  exitCode: number | null;
  events: number;
  eventsByType: Record<string, number>;
  /** While the runner trains and this process parses its events. */
  duringRun: DelayStats;
  /** The same process, idle, for the same resolution. */
  idle: DelayStats;
}

const RESOLUTION_MS = 10;

function stats(h: IntervalHistogram): DelayStats {
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
  return { meanMs: ms(h.mean), p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)), maxMs: ms(h.max) };
}

/** A synthetic experiment big enough to keep the runner busy for some seconds on wasm. */
function writeExperiment(dir: string): string {
  const file = path.join(dir, 'event-loop.kd.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        name: 'event-loop',
        seed: 1,
        backend: 'wasm',
        data: { dataset: 'synthetic', shape: [784], classes: 10, trainSize: 4096, testSize: 512, validationSplit: 0.1 },
        teacher: { preset: 'mlp', hidden: [512, 512] },
        student: { preset: 'mlp', hidden: [128] },
        distill: {
          losses: [
            { type: 'ce', weight: 0.1 },
            { type: 'kd', weight: 0.9, temperature: 4 },
          ],
        },
        train: { epochs: 3, batchSize: 64, optimizer: { type: 'adam', lr: 0.001 } },
      },
      null,
      2,
    ),
  );
  return file;
}

async function idleDelay(ms: number): Promise<DelayStats> {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  h.disable();
  return stats(h);
}

export async function measureEventLoop(root: string): Promise<EventLoopMeasure | Unavailable> {
  const runner = path.join(root, 'dist', 'runner.js');
  if (!fs.existsSync(runner))
    return { available: false, reason: `${path.relative(root, runner)} is not built (npm run build)` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-bench-loop-'));
  try {
    const file = writeExperiment(dir);
    const idle = await idleDelay(1000);
    const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    const eventsByType: Record<string, number> = {};
    let events = 0;
    let backend = 'unknown';
    let stderr = '';
    const start = performance.now();
    h.enable();
    const child = spawn(process.execPath, [runner, '--file', file, '--runs-dir', path.join(dir, 'runs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { type?: string; backend?: string };
        events++;
        const type = event.type ?? 'unknown';
        eventsByType[type] = (eventsByType[type] ?? 0) + 1;
        if (type === 'run-start' && typeof event.backend === 'string') backend = event.backend;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    h.disable();
    const durationMs = performance.now() - start;
    if (exitCode !== 0)
      return {
        available: false,
        reason: `the runner exited with ${exitCode}: ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
      };
    return {
      available: true,
      runner: path.relative(root, runner),
      backend,
      durationMs,
      resolutionMs: RESOLUTION_MS,
      exitCode,
      events,
      eventsByType,
      duringRun: stats(h),
      idle,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
