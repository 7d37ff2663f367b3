// Parses the runner's command line into the request the host built with `runnerArgs`: the flags
// come from the contract's table, so the two sides cannot drift apart.
import { Command, Option } from 'commander';
import { BACKEND_NAMES, RUNNER_FLAGS, type BackendName, type RunnerRequest } from '../protocol/runner';
import { UsageError } from '../engine/run/pickExperiment';

interface ParsedOptions {
  file?: string;
  cell?: string;
  runsDir: string;
  backend?: BackendName;
  resume?: string;
  describe?: boolean;
  sweepPoint?: string;
  sweepId?: string;
}

/** `argv` as in process.argv (node, script, flags...). */
export function parseRunnerArgs(argv: readonly string[]): RunnerRequest {
  const program = new Command()
    .name('kd-runner')
    .option(`${RUNNER_FLAGS.file} <file>`, 'the .kd.json experiment file')
    .option(`${RUNNER_FLAGS.cell} <name>`, 'the cell to run in a notebook-like file')
    .option(`${RUNNER_FLAGS.runsDir} <dir>`, 'the run store', 'runs')
    .addOption(new Option(`${RUNNER_FLAGS.backend} <name>`, 'the TensorFlow.js backend').choices(BACKEND_NAMES))
    .option(`${RUNNER_FLAGS.resume} <runDir>`, 'continue a stopped or crashed run from its last checkpoint')
    .option(RUNNER_FLAGS.describe, 'print the models event (architectures and matched layers) and exit')
    .option(`${RUNNER_FLAGS.sweepPoint} <index>`, "run one point of the file's (or cell's) sweep")
    .option(`${RUNNER_FLAGS.sweepId} <id>`, 'the sweep the point belongs to (with --sweep-point)')
    // The runner prints the error itself (and exits with RunnerExit.Invalid).
    .configureOutput({ writeErr: () => undefined })
    .exitOverride();
  program.parse([...argv]);
  const options = program.opts<ParsedOptions>();
  const backend = options.backend !== undefined ? { backend: options.backend } : {};
  if (options.resume !== undefined)
    return { kind: 'resume', runDir: options.resume, runsDir: options.runsDir, ...backend };
  if (options.file === undefined) throw new UsageError(`${RUNNER_FLAGS.file} or ${RUNNER_FLAGS.resume} is required`);
  const cell = options.cell !== undefined ? { cell: options.cell } : {};
  if (options.sweepPoint !== undefined) {
    if (!/^\d+$/.test(options.sweepPoint))
      throw new UsageError(`${RUNNER_FLAGS.sweepPoint} takes a point index, got "${options.sweepPoint}"`);
    if (options.sweepId === undefined) throw new UsageError(`${RUNNER_FLAGS.sweepPoint} needs ${RUNNER_FLAGS.sweepId}`);
    return {
      kind: 'sweepPoint',
      file: options.file,
      runsDir: options.runsDir,
      ...cell,
      ...backend,
      sweepId: options.sweepId,
      point: Number(options.sweepPoint),
    };
  }
  if (options.describe) return { kind: 'describe', file: options.file, runsDir: options.runsDir, ...cell };
  return { kind: 'run', file: options.file, runsDir: options.runsDir, ...cell, ...backend };
}
