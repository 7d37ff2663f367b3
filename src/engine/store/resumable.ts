// Whether resuming a run can succeed: it stopped (a checkpoint at the current step) or its runner
// died mid-training with a checkpoint to continue from. A run that failed on its own (a wrong
// configuration, a missing file, a diverging loss) would fail again the same way: it is not offered.
import * as fs from 'fs';
import * as path from 'path';
import { CHECKPOINTS_DIR, type RunInfo } from './runStore';

// A stage's checkpoint unit holds these (see train/checkpoint.ts); either shows a usable position.
const UNIT_FILES = ['checkpoint.json', 'state.json'];

/** True when some stage of the run has a checkpoint unit (current, or one waiting to be switched in). */
export function hasCheckpoint(runDir: string): boolean {
  const root = path.join(runDir, CHECKPOINTS_DIR);
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return false;
  }
  return entries.some((entry) => UNIT_FILES.some((file) => fs.existsSync(path.join(root, entry, file))));
}

export function canResume(run: Pick<RunInfo, 'status' | 'crashed' | 'dir'>): boolean {
  if (run.status === 'stopped') return true;
  return run.status === 'failed' && run.crashed && hasCheckpoint(run.dir);
}

/** Why a run cannot be resumed, for the message that refuses it; undefined when it can. */
export function whyNotResumable(run: Pick<RunInfo, 'status' | 'crashed' | 'dir' | 'error'>): string | undefined {
  if (canResume(run)) return undefined;
  if (run.status === 'done') return 'it is finished; there is nothing to resume';
  if (run.status === 'running') return 'it is running';
  if (run.crashed) return 'its runner stopped before any checkpoint was written; start a new run';
  return `it failed${run.error ? ` (${run.error})` : ''}; resuming would fail the same way: fix the cause and start a new run`;
}
