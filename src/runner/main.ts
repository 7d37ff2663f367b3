// The runner process: runs one experiment with the engine and streams its events as JSON lines on
// stdout (the extension host reads them). Human-readable logs go to stderr.
// Its flags and exit codes are the runner contract (src/protocol/runner.ts).
import * as path from 'path';
import { loadExperimentFile } from '../engine/config';
import { withExperimentChecks } from '../engine/checks';
import { exitCodeOf, isInvalidInput } from '../engine/run/exitCodes';
import { describeExperiment } from '../engine/run/describe';
import { pickExperiment } from '../engine/run/pickExperiment';
import { stopOnSignals } from '../engine/run/stopSignals';
import { experimentOfRun, runExperiment } from '../engine/run/runExperiment';
import type { RunEvent, RunSummary } from '../protocol/events';
import { messageOf } from '../engine/run/failure';
import { pickSweep, runSweepPoint } from '../engine/sweep/runPoint';
import { RunBusyError } from '../engine/store/runLock';
import { RunnerExit } from '../protocol/runner';
import { parseRunnerArgs } from './args';

function writeEvent(event: RunEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

/** The reason a run failed, last on stderr (the host shows the last line); an invalid experiment as its problems. */
function reportFailure(summary: RunSummary): void {
  if (!summary.error) return;
  process.stderr.write(
    summary.reason === 'invalid experiment' ? `${summary.error}\n` : `run failed: ${summary.error}\n`,
  );
}

async function main(): Promise<number> {
  let shouldStop: () => boolean = () => false;
  try {
    const request = parseRunnerArgs(process.argv);
    const runsDir = path.resolve(request.runsDir);
    // A describe has no checkpoint to save: SIGTERM ends it at once (the default action).
    if (request.kind !== 'describe')
      shouldStop = stopOnSignals('stop requested: finishing the current step and saving a checkpoint\n');
    if (request.kind === 'resume') {
      const resumeDir = path.resolve(request.runDir);
      const { summary } = await runExperiment(experimentOfRun(resumeDir), {
        runsDir,
        backend: request.backend,
        resumeDir,
        onEvent: writeEvent,
        shouldStop,
      });
      reportFailure(summary);
      return exitCodeOf(summary.status, summary.reason);
    }
    const file = await loadExperimentFile(path.resolve(request.file), withExperimentChecks({}));
    if (request.kind === 'sweepPoint') {
      const { summary } = await runSweepPoint(pickSweep(file, request.cell), request.point, {
        runsDir,
        sweepId: request.sweepId,
        backend: request.backend,
        onEvent: writeEvent,
        shouldStop,
      });
      reportFailure(summary);
      return exitCodeOf(summary.status, summary.reason);
    }
    const experiment = pickExperiment(file, request.cell);
    if (request.kind === 'describe') {
      writeEvent(await describeExperiment(experiment, runsDir, file));
      return RunnerExit.Done;
    }
    const { summary } = await runExperiment(experiment, {
      runsDir,
      backend: request.backend,
      onEvent: writeEvent,
      shouldStop,
    });
    reportFailure(summary);
    return exitCodeOf(summary.status, summary.reason);
  } catch (error) {
    process.stderr.write(`${messageOf(error)}\n`);
    return isInvalidInput(error) || error instanceof RunBusyError ? RunnerExit.Invalid : RunnerExit.Failed;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(RunnerExit.Failed);
  },
);
