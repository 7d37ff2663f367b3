// The Runs view as plain data: experiments, each with its queued and stored runs, and what each
// item shows (icon, description, tooltip, context menu key). The TreeDataProvider only maps it.
import type { RunInfo } from '../../engine/store/runStore';
import { runDescription, runsLensText, runTooltipMarkdown } from '../text';

export type RunIcon = 'running' | 'done' | 'failed' | 'stopped' | 'queued';

export interface RunNode {
  kind: 'run';
  id: string;
  run: RunInfo;
  label: string;
  description: string;
  tooltip: string;
  icon: RunIcon;
  /** Drives the context menu: "run:done", "run:running", "run:stopped", "run:failed". */
  contextValue: string;
}

export interface QueuedNode {
  kind: 'queued';
  id: string;
  jobId: number;
  label: string;
  description: string;
  tooltip: string;
  icon: 'queued';
  contextValue: 'queued';
}

export interface ExperimentNode {
  kind: 'experiment';
  id: string;
  name: string;
  description: string;
  children: (QueuedNode | RunNode)[];
  contextValue: 'experiment';
}

export type RunsTreeNode = ExperimentNode | RunNode | QueuedNode;

/** A run waiting for a free slot, as the run manager knows it. */
export interface QueuedRun {
  jobId: number;
  /** The run-store folder name of its experiment (safeName of the resolved name). */
  experiment: string;
  /** Set when the queued job resumes an existing run. */
  resumeDir?: string;
  label: string;
}

function runNode(run: RunInfo, resumeQueued: boolean): RunNode {
  return {
    kind: 'run',
    id: `run:${run.dir}`,
    run,
    label: run.runId,
    description: resumeQueued ? `queued to resume · ${runDescription(run)}` : runDescription(run),
    tooltip: runTooltipMarkdown(run),
    icon: resumeQueued ? 'queued' : run.status,
    contextValue: `run:${run.status}`,
  };
}

/** Groups runs by experiment; experiments with the newest activity first, queued runs on top. */
export function buildRunsTree(runs: RunInfo[], queued: QueuedRun[] = []): ExperimentNode[] {
  const byExperiment = new Map<string, { runs: RunInfo[]; queued: QueuedRun[] }>();
  const group = (name: string) => {
    let entry = byExperiment.get(name);
    if (!entry) byExperiment.set(name, (entry = { runs: [], queued: [] }));
    return entry;
  };
  for (const job of queued) group(job.experiment).queued.push(job);
  for (const run of runs) group(run.experiment).runs.push(run);

  const resumeQueued = new Set(queued.map((q) => q.resumeDir).filter((d): d is string => d !== undefined));
  const nodes: (ExperimentNode & { newest: string; hasQueued: boolean })[] = [];
  for (const [name, entry] of byExperiment) {
    const sorted = [...entry.runs].sort((a, b) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
    const children: (QueuedNode | RunNode)[] = [];
    for (const job of entry.queued) {
      if (job.resumeDir !== undefined) continue; // shown on its run's own item
      children.push({
        kind: 'queued',
        id: `queued:${job.jobId}`,
        jobId: job.jobId,
        label: job.label,
        description: 'queued',
        tooltip: `${job.label} waits for a free run slot`,
        icon: 'queued',
        contextValue: 'queued',
      });
    }
    for (const run of sorted) children.push(runNode(run, resumeQueued.has(run.dir)));
    nodes.push({
      kind: 'experiment',
      id: `experiment:${name}`,
      name,
      children,
      contextValue: 'experiment',
      description: sorted.length === 0 ? 'queued' : runsLensText(sorted),
      newest: sorted[0]?.runId ?? '',
      hasQueued: entry.queued.length > 0,
    });
  }
  nodes.sort(
    (a, b) =>
      Number(b.hasQueued) - Number(a.hasQueued) ||
      (a.newest < b.newest ? 1 : a.newest > b.newest ? -1 : a.name.localeCompare(b.name)),
  );
  return nodes.map(({ newest: _newest, hasQueued: _hasQueued, ...node }) => node);
}
