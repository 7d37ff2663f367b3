// What a run says when an allocation fails. JavaScript and the wasm backend report it in their own
// words ("Invalid typed array length: 64000000000", "Array buffer allocation failed", "Aborted()");
// users get instead which settings make a run large and what this experiment was estimated to need.
import type { Experiment } from '../config/types';
import type { JsonObject } from '../config/json';
import { estimateMemory } from '../config/memoryEstimate';
import { formatBytes } from '../io/safeRead';

const ALLOCATION_FAILURES = [
  /Invalid typed array length/i,
  /Array buffer allocation failed/i,
  /Invalid array (buffer )?length/i,
  /Invalid string length/i,
  /out of memory/i,
  /Cannot enlarge memory/i,
  /Aborted\(/,
];

/** True for the errors JavaScript, Node and the wasm backend give when memory (or a buffer's size bound) runs out. */
export function isAllocationFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof RangeError && /length|allocation/i.test(error.message)) return true;
  return ALLOCATION_FAILURES.some((pattern) => pattern.test(error.message));
}

/** The sentence for a failed allocation, with the experiment's settings that size the run and its estimate. */
export function memoryFailureMessage(experiment: Experiment): string {
  const parts = estimateMemory(experiment as unknown as JsonObject);
  const total = parts.reduce((sum, p) => sum + p.bytes, 0);
  const estimate =
    parts.length > 0
      ? `its memory was estimated at about ${formatBytes(total)} (${parts
          .slice(0, 3)
          .map((p) => `${p.what}: ${formatBytes(p.bytes)}`)
          .join('; ')})`
      : 'its memory could not be estimated before the data was read';
  return (
    `the run needs more memory than it could get (a buffer could not be allocated); ${estimate}. ` +
    `Make it smaller: train.batchSize (now ${experiment.train.batchSize}), the dataset size ` +
    `(data.trainLimit, or trainSize for synthetic data) or the model widths (hidden, units, filters); ` +
    `a limit raised with "limits": { "memoryGB": … } or --memory-limit does not give the machine more memory`
  );
}
