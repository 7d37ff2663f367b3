// Sweeps in the Runs view as plain data: one node per sweep (its experiment and id, progress such as
// "3/6 done · 1 running · 1 failed"), expandable to its points: the point's run when its folder
// exists, else what the queue or SLURM says of it. Status comes from the run folders (the engine's
// store), overlaid with the host's own jobs and SLURM's queue.
import * as path from 'path';
import { safeName, type RunInfo } from '../../engine/store/runStore';
import { mergeStatus } from '../../engine/sweep/slurm';
import type { SweepPointStatus, SweepRecord } from '../../protocol/sweep';
import { runDescription, runTooltipMarkdown } from '../text';
import { runContextValue, type RunIcon, type RunNode } from './runsTreeModel';

/** A point not started and not waiting anywhere (a stopped sweep, a window closed mid-sweep). */
export type PointState = SweepPointStatus | 'not started';

export interface SweepPointNode {
  kind: 'sweepPoint';
  id: string;
  point: number;
  label: string;
  description: string;
  tooltip: string;
  icon: RunIcon;
  contextValue: 'sweepPoint';
}

export interface SweepNode {
  kind: 'sweep';
  id: string;
  sweepDir: string;
  record: SweepRecord;
  /** The run-store folder of the sweep's experiment (its Runs view parent). */
  experimentFolder: string;
  label: string;
  description: string;
  tooltip: string;
  states: PointState[];
  /** "sweep:live" (something runs or waits: Stop), "sweep:resumable" (points left to run: Resume), "sweep:complete"; plus ":slurm". */
  contextValue: string;
  children: (RunNode | SweepPointNode)[];
}

/** What the host knows of one sweep beyond its folders. */
export interface SweepInput {
  dir: string;
  record: SweepRecord;
  /** Points the run manager has queued or running. */
  jobs: ReadonlyMap<number, 'queued' | 'running'>;
  /** SLURM state of each array task (empty for local sweeps). */
  scheduler: ReadonlyMap<number, string>;
}

function paramsText(params: Record<string, unknown>, seed: number): string {
  const values = Object.entries(params).map(
    ([k, v]) => `${k.split('.').pop()}=${typeof v === 'number' ? Number(v.toPrecision(4)) : JSON.stringify(v)}`,
  );
  return [...values, `seed ${seed}`].join(' ');
}

function stateOf(input: SweepInput, index: number, run: RunInfo | undefined): PointState {
  const job = input.jobs.get(index);
  if (job === 'running') return 'running';
  if (input.record.executor === 'slurm' && input.record.slurm) {
    const merged = mergeStatus(run?.status, input.scheduler.get(index), input.record.slurm.cancelledAt !== undefined);
    return merged === 'queued' && !input.scheduler.has(index) && !run ? 'not started' : merged;
  }
  if (run && !(run.status === 'running' && run.crashed)) return job === 'queued' ? 'queued' : run.status;
  if (run?.crashed) return job === 'queued' ? 'queued' : 'stopped';
  return job === 'queued' ? 'queued' : 'not started';
}

/** "3/6 done · 1 running · 1 failed". */
export function sweepProgressText(states: readonly PointState[]): string {
  const count = (s: PointState) => states.filter((x) => x === s).length;
  const parts = [`${count('done')}/${states.length} done`];
  for (const s of ['running', 'queued', 'failed', 'stopped', 'not started'] as const)
    if (count(s) > 0) parts.push(`${count(s)} ${s}`);
  return parts.join(' · ');
}

function iconOf(state: PointState): RunIcon {
  return state === 'not started' ? 'stopped' : state;
}

export function buildSweepNode(input: SweepInput, runOf: (runDir: string) => RunInfo | undefined): SweepNode {
  const { record } = input;
  const states: PointState[] = [];
  const children: (RunNode | SweepPointNode)[] = record.points.map((point) => {
    const runDir = path.join(record.runsDir, point.runDir);
    const run = runOf(runDir);
    const state = stateOf(input, point.index, run);
    states.push(state);
    const params = paramsText(point.params, point.seed);
    const label = `p${point.index} · ${params}`;
    if (run) {
      const failed = run.status === 'failed';
      return {
        kind: 'run',
        id: `sweep:${input.dir}:run:${run.dir}`,
        run,
        label,
        description:
          state === run.status ? (failed ? `✗ failed · ${runDescription(run)}` : runDescription(run)) : state,
        tooltip: runTooltipMarkdown(run),
        icon: iconOf(state),
        contextValue: runContextValue(run),
      };
    }
    const scheduler = input.scheduler.get(point.index);
    return {
      kind: 'sweepPoint',
      id: `sweep:${input.dir}:point:${point.index}`,
      point: point.index,
      label,
      description: scheduler ? `${state} (SLURM ${scheduler})` : state,
      tooltip: `Point ${point.index} of sweep ${record.id}: ${params}; its run folder will be ${point.runDir}`,
      icon: iconOf(state),
      contextValue: 'sweepPoint',
    };
  });
  const live = states.some((s) => s === 'running' || s === 'queued');
  const complete = states.every((s) => s === 'done');
  const slurm = record.executor === 'slurm' ? ':slurm' : '';
  return {
    kind: 'sweep',
    id: `sweep:${input.dir}`,
    sweepDir: input.dir,
    record,
    experimentFolder: record.points[0]?.runDir.split(/[\\/]/)[0] || safeName(record.experiment),
    label: `${record.experiment} · ${record.id}`,
    description: sweepProgressText(states),
    tooltip: `Sweep ${record.id} of ${record.sourceFile}${record.cell !== undefined ? ` (cell ${record.cell})` : ''}: ${record.points.length} runs, ${record.executor}. Folder: ${input.dir}`,
    states,
    contextValue: `sweep:${live ? 'live' : complete ? 'complete' : 'resumable'}${slurm}`,
    children,
  };
}
