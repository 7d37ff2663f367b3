// The CodeLenses of a .kd.json file as plain data: above the file and above each cell, what to
// run, the architecture, the cell's runs, and while a run goes its progress and a stop button.
import type { RunInfo } from '../../engine/store/runStore';
import { progressText, runsLensText, runTrainsAlone } from '../text';
import { COMMANDS } from '../commandIds';

/** A file or one of its cells (from the config module's cellRanges), with the 0-based line its lenses go on. */
export interface LensRange {
  /** null for the file itself. */
  name: string | null;
  line: number;
  offset: number;
  length: number;
}

/** A run the host is handling right now. */
export type ActiveRun =
  | { state: 'queued'; jobId: number }
  | { state: 'running'; jobId: number; runDir?: string; progress?: RunInfo['progress']; loss?: number };

export interface LensSpec {
  line: number;
  title: string;
  tooltip?: string;
  command: string;
  args: unknown[];
}

export interface LensInputs {
  file: string;
  ranges: LensRange[];
  /** Runs of a cell of this file (undefined: the file's single experiment), newest first. */
  runsOf(cell: string | undefined): RunInfo[];
  activeOf(cell: string | undefined): ActiveRun | undefined;
  /** The cells a cell reuses through fromCell (none when not given). */
  reusesOf?(cell: string): string[];
  /** Whether resuming this run can succeed (it stopped, or crashed with a checkpoint). */
  resumable?(run: RunInfo): boolean;
}

/** The cells a cell reuses that have neither a finished run nor a run queued or going: they must run first. */
function cellsToRunFirst(cell: string | undefined, inputs: LensInputs): string[] {
  if (cell === undefined || !inputs.reusesOf) return [];
  return inputs.reusesOf(cell).filter((c) => !inputs.activeOf(c) && !inputs.runsOf(c).some((r) => r.status === 'done'));
}

function experimentLenses(line: number, file: string, cell: string | undefined, inputs: LensInputs): LensSpec[] {
  const target = cell === undefined ? { file } : { file, cell };
  const lenses: LensSpec[] = [];
  const active = inputs.activeOf(cell);
  if (active?.state === 'running') {
    lenses.push({
      line,
      title: `$(sync~spin) ${progressText(active.progress, active.loss, runTrainsAlone(inputs.runsOf(cell)[0]))}`,
      tooltip: 'Show the experiment panel',
      command: COMMANDS.showPanel,
      args: [active.runDir ? { runDir: active.runDir } : target],
    });
    lenses.push({
      line,
      title: '■ Stop',
      tooltip: 'Stop the run after the current step and keep a checkpoint',
      command: COMMANDS.stop,
      args: [{ jobId: active.jobId }],
    });
  } else if (active?.state === 'queued') {
    lenses.push({
      line,
      title: '$(clock) queued',
      tooltip: 'Waits for a free run slot (setting distillationStudio.maxConcurrentRuns)',
      command: COMMANDS.showPanel,
      args: [target],
    });
    lenses.push({
      line,
      title: '■ Cancel',
      tooltip: 'Remove the run from the queue',
      command: COMMANDS.stop,
      args: [{ jobId: active.jobId }],
    });
  } else {
    const first = cellsToRunFirst(cell, inputs);
    if (first.length > 0)
      lenses.push({
        line,
        title: `▶ Run ${first.join(', ')} first`,
        tooltip: `Cell "${cell}" reuses the trained model of ${first.map((c) => `"${c}"`).join(', ')}, which has no finished run yet: run ${first.length === 1 ? 'it' : 'them'}, then this cell`,
        command: COMMANDS.start,
        args: [{ ...target, first: true }],
      });
    else
      lenses.push({
        line,
        title: '▶ Start Distillation',
        tooltip: cell === undefined ? 'Run this experiment' : `Run cell "${cell}"`,
        command: COMMANDS.start,
        args: [target],
      });
    const latest = inputs.runsOf(cell)[0];
    if (latest && inputs.resumable?.(latest))
      lenses.push({
        line,
        title: '$(debug-continue) Resume',
        tooltip: `Continue run ${latest.runId} from its last checkpoint`,
        command: COMMANDS.resume,
        args: [{ runDir: latest.dir }],
      });
  }
  lenses.push({
    line,
    title: 'Show Architecture',
    tooltip: 'Teacher and student architectures, matched layers and capacity gap',
    command: COMMANDS.showPanel,
    args: [target],
  });
  const runs = inputs.runsOf(cell);
  if (runs.length > 0) {
    lenses.push({
      line,
      title: runsLensText(runs),
      tooltip: 'Compare these runs',
      command: COMMANDS.compareRuns,
      args: [runs.map((r) => r.dir)],
    });
  }
  return lenses;
}

export function buildLenses(inputs: LensInputs): LensSpec[] {
  const cells = inputs.ranges.filter((r) => r.name !== null);
  const fileRange = inputs.ranges.find((r) => r.name === null);
  const lenses: LensSpec[] = [];
  if (fileRange) {
    if (cells.length > 0) {
      lenses.push({
        line: fileRange.line,
        title: '▶ Run All',
        tooltip: 'Run every cell in order, stopping at the first failure',
        command: COMMANDS.runAll,
        args: [{ file: inputs.file }],
      });
      lenses.push({
        line: fileRange.line,
        title: 'Show Architecture',
        tooltip: 'Architectures of the cells of this file',
        command: COMMANDS.showPanel,
        args: [{ file: inputs.file }],
      });
    } else {
      lenses.push(...experimentLenses(fileRange.line, inputs.file, undefined, inputs));
    }
  }
  for (const cell of cells) lenses.push(...experimentLenses(cell.line, inputs.file, cell.name ?? undefined, inputs));
  return lenses;
}

/** A sweep of the file: where its `sweep` key is (0-based line), its cell, and how many runs it expands to. */
export interface SweepLensInput {
  line: number;
  cell?: string;
  runs: number;
}

/** "▶ Run Sweep (N runs)" above each `sweep` key. */
export function sweepLenses(file: string, sweeps: readonly SweepLensInput[]): LensSpec[] {
  return sweeps.map((sweep) => ({
    line: sweep.line,
    title: `▶ Run Sweep (${sweep.runs} run${sweep.runs === 1 ? '' : 's'})`,
    tooltip: 'Run every point of this sweep (setting distillationStudio.sweepExecutor: here or on SLURM)',
    command: COMMANDS.runSweep,
    args: [sweep.cell === undefined ? { file } : { file, cell: sweep.cell }],
  }));
}
