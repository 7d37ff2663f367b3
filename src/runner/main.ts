// The runner process: runs one experiment with the engine and streams its events as JSON lines on
// stdout (the extension host reads them). Human-readable logs go to stderr.
// Exit codes: 0 done, 1 failed, 2 invalid experiment or arguments, 130 stopped.
import * as path from 'path';
import { Command } from 'commander';
import { loadExperimentFile } from '../engine/config';
import { EXIT, exitCodeOf, isInvalidInput } from '../engine/run/exitCodes';
import type { BackendName } from '../engine/config/types';
import { describeExperiment } from '../engine/run/describe';
import { pickExperiment, UsageError } from '../engine/run/pickExperiment';
import { stopOnSignals } from '../engine/run/stopSignals';
import { experimentOfRun, runExperiment } from '../engine/run/runExperiment';
import type { RunEvent } from '../protocol/events';
import { RunBusyError } from '../engine/store/runLock';

function writeEvent(event: RunEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

async function main(): Promise<number> {
  const program = new Command()
    .name('kd-runner')
    .option('--file <file>', 'the .kd.json experiment file')
    .option('--cell <name>', 'the cell to run in a notebook-like file')
    .option('--runs-dir <dir>', 'the run store', 'runs')
    .option('--backend <name>', 'auto | tensorflow-gpu | tensorflow | wasm | cpu')
    .option('--resume <runDir>', 'continue a stopped or crashed run from its last checkpoint')
    .option('--describe', 'print the models event (architectures and matched layers) and exit')
    .exitOverride();
  program.parse(process.argv);
  const options = program.opts<{
    file?: string;
    cell?: string;
    runsDir: string;
    backend?: BackendName;
    resume?: string;
    describe?: boolean;
  }>();
  const runsDir = path.resolve(options.runsDir);

  // A describe has no checkpoint to save: SIGTERM ends it at once (the default action).
  const shouldStop = options.describe
    ? () => false
    : stopOnSignals('stop requested: finishing the current step and saving a checkpoint\n');

  try {
    if (options.resume) {
      const experiment = experimentOfRun(path.resolve(options.resume));
      const { summary } = await runExperiment(experiment, {
        runsDir,
        backend: options.backend,
        resumeDir: path.resolve(options.resume),
        onEvent: writeEvent,
        shouldStop,
      });
      return exitCodeOf(summary.status);
    }
    if (!options.file) throw new UsageError('--file or --resume is required');
    const file = await loadExperimentFile(path.resolve(options.file));
    const experiment = pickExperiment(file, options.cell);
    if (options.describe) {
      writeEvent(await describeExperiment(experiment, runsDir, file));
      return EXIT.done;
    }
    const { summary } = await runExperiment(experiment, {
      runsDir,
      backend: options.backend,
      onEvent: writeEvent,
      shouldStop,
    });
    if (summary.error) process.stderr.write(`run failed: ${summary.error}\n`);
    return exitCodeOf(summary.status);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return isInvalidInput(error) || error instanceof RunBusyError ? EXIT.invalid : EXIT.failed;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
