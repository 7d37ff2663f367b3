// Stop requests by signal, shared by the runner and the `kd` CLI.
import { RunnerExit } from '../../protocol/runner';

/**
 * Turns SIGINT/SIGTERM into a stop request: the first lets the current step finish and a checkpoint
 * be saved; a second exits at once (the checkpoint of the last finished epoch is kept).
 * Returns the `shouldStop` predicate for runExperiment.
 */
export function stopOnSignals(message: string): () => boolean {
  let requests = 0;
  const onSignal = () => {
    requests++;
    if (requests > 1) process.exit(RunnerExit.Stopped);
    process.stderr.write(message);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => requests > 0;
}
