// The runner's contract with whoever starts it (the extension host, tests, scripts): its command
// line, its exit codes and the backend names it accepts. The runner parses exactly these flags; the
// host builds them with `runnerArgs` and reads the exit with `classifyExit`. No Node, no DOM: the
// contract is plain data.

/** TensorFlow.js backends, in the order `auto` tries them after itself. */
export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/** Exit codes of the runner and of the `kd` CLI, so scripts and the extension can rely on them. */
export enum RunnerExit {
  Done = 0,
  /** A run failed (an error during training, a crash of the engine). */
  Failed = 1,
  /** Invalid experiment file or arguments. */
  Invalid = 2,
  /** Stopped on request (SIGINT/SIGTERM), resumable. */
  Stopped = 130,
}

/** The runner's flags, one name each; the runner's parser declares them from this table. */
export const RUNNER_FLAGS = {
  file: '--file',
  cell: '--cell',
  runsDir: '--runs-dir',
  backend: '--backend',
  resume: '--resume',
  describe: '--describe',
  sweepPoint: '--sweep-point',
  sweepId: '--sweep-id',
} as const;

/** What one runner process is asked to do. */
export type RunnerRequest =
  | { kind: 'run'; file: string; cell?: string; runsDir: string; backend?: BackendName }
  | { kind: 'resume'; runDir: string; runsDir: string; backend?: BackendName }
  | { kind: 'describe'; file: string; cell?: string; runsDir: string }
  /** One point of the file's (or cell's) sweep, into its fixed run folder (resumed when stopped). */
  | {
      kind: 'sweepPoint';
      file: string;
      cell?: string;
      runsDir: string;
      backend?: BackendName;
      sweepId: string;
      point: number;
    };

/** The runner's arguments (after the script path) for a request: the only place they are built. */
export function runnerArgs(request: RunnerRequest): string[] {
  const args: string[] = [];
  if (request.kind === 'resume') args.push(RUNNER_FLAGS.resume, request.runDir);
  else {
    args.push(RUNNER_FLAGS.file, request.file);
    if (request.cell !== undefined) args.push(RUNNER_FLAGS.cell, request.cell);
  }
  args.push(RUNNER_FLAGS.runsDir, request.runsDir);
  if (request.kind !== 'describe' && request.backend !== undefined) args.push(RUNNER_FLAGS.backend, request.backend);
  if (request.kind === 'describe') args.push(RUNNER_FLAGS.describe);
  if (request.kind === 'sweepPoint')
    args.push(RUNNER_FLAGS.sweepPoint, String(request.point), RUNNER_FLAGS.sweepId, request.sweepId);
  return args;
}

/** How a runner process ended, as the host sees it. */
export type RunnerEnd =
  | { kind: 'done' }
  | { kind: 'failed' }
  | { kind: 'invalid' }
  | { kind: 'stopped' }
  | { kind: 'crashed'; reason: string };

export function classifyExit(code: number | null, signal: string | null): RunnerEnd {
  switch (code) {
    case RunnerExit.Done:
      return { kind: 'done' };
    case RunnerExit.Failed:
      return { kind: 'failed' };
    case RunnerExit.Invalid:
      return { kind: 'invalid' };
    case RunnerExit.Stopped:
      return { kind: 'stopped' };
  }
  if (signal) return { kind: 'crashed', reason: `the runner was killed by ${signal}` };
  return { kind: 'crashed', reason: `the runner exited with code ${code ?? 'unknown'}` };
}
