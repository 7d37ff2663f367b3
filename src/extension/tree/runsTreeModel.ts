// The Runs view as plain data: experiment files, their experiments (cells), each with its queued
// runs, stored runs and sweeps, and what each item shows (label, icon, description, tooltip,
// context menu key). Runs are labelled by what tells them apart (runLabels.ts) and can be filtered
// and sorted. The TreeDataProvider only maps it.
import { canResume } from '../../engine/store/resumable';
import type { RunInfo } from '../../engine/store/runStore';
import { formatPercent } from '../../shared/format';
import { runDescription, runsLensText, runTooltipMarkdown, runTrainsAlone, studentAccuracy } from '../text';
import { keyHyperParameters, runLabels, startText } from './runLabels';
import type { SweepNode } from './sweepTreeModel';

export type RunIcon = 'running' | 'done' | 'failed' | 'stopped' | 'queued';

export interface RunNode {
  kind: 'run';
  id: string;
  run: RunInfo;
  label: string;
  description: string;
  tooltip: string;
  icon: RunIcon;
  /**
   * Drives the context menu: "run:done", "run:running", "run:stopped", "run:failed", with
   * ":resumable" added where a resume can succeed (so Resume is offered only there).
   */
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
  /** The run-store folder name of the experiment (what Compare and the run store key on). */
  name: string;
  /** What the item shows: the cell's name, or the experiment's for a file without cells. */
  label: string;
  /** The experiment file, when its runs or jobs say which. */
  file?: string;
  cell?: string;
  description: string;
  children: (QueuedNode | RunNode | SweepNode)[];
  contextValue: 'experiment';
}

export interface FileNode {
  kind: 'file';
  id: string;
  /** Absolute path of the experiment file; undefined for runs that do not say where they came from. */
  file?: string;
  label: string;
  description: string;
  tooltip: string;
  children: ExperimentNode[];
  /** "file" (open, run again, delete runs), "file:missing" (the file is gone), "file:unknown". */
  contextValue: 'file' | 'file:missing' | 'file:unknown';
}

export type RunsTreeNode = FileNode | ExperimentNode | RunNode | QueuedNode;

/** A run waiting for a free slot, as the run manager knows it. */
export interface QueuedRun {
  jobId: number;
  /** The run-store folder name of its experiment (safeName of the resolved name). */
  experiment: string;
  /** Set when the queued job resumes an existing run. */
  resumeDir?: string;
  label: string;
  file?: string;
  cell?: string;
}

export type RunSort = 'newest' | 'best';

/** What the Filter Runs… box accepts: words to find, and `status:<state>` terms. */
export interface RunFilter {
  text: string;
  statuses: string[];
}

export function parseRunFilter(input: string): RunFilter | undefined {
  const statuses: string[] = [];
  const words: string[] = [];
  for (const token of input.trim().split(/\s+/).filter(Boolean)) {
    const status = /^status:(\w+)$/i.exec(token);
    if (status) statuses.push(status[1].toLowerCase());
    else words.push(token);
  }
  if (statuses.length === 0 && words.length === 0) return undefined;
  return { text: words.join(' ').toLowerCase(), statuses };
}

export interface TreeOptions {
  /** The user's names and notes for runs (meta.json), by run folder. */
  meta?: ReadonlyMap<string, { name?: string; note?: string }>;
  filter?: RunFilter;
  sort?: RunSort;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** Table cells need only what Markdown would take as syntax there. */
function escapeCell(text: string): string {
  return text.replace(/[\\`*_|<>]/g, '\\$&');
}

/** The tooltip: the run's name and note, its key hyper-parameters, then its results. */
function tooltipOf(run: RunInfo, label: string, note: string | undefined): string {
  const lines = [`**${escapeMarkdown(label)}**`, ''];
  if (note) lines.push(`_${escapeMarkdown(note)}_`, '');
  const params = keyHyperParameters(run.config);
  if (params.length > 0) {
    lines.push('| hyper-parameter | value |', '| --- | --- |');
    for (const [key, value] of params) lines.push(`| ${key} | ${escapeCell(value)} |`);
    lines.push('');
  }
  lines.push(runTooltipMarkdown(run));
  return lines.join('\n');
}

function runNode(run: RunInfo, label: string, note: string | undefined, resumeQueued: boolean): RunNode {
  const state = resumeQueued ? `queued to resume · ${runDescription(run)}` : runDescription(run);
  return {
    kind: 'run',
    id: `run:${run.dir}`,
    run,
    label,
    description: `${state} · ${startText(run)}`,
    tooltip: tooltipOf(run, label, note),
    icon: resumeQueued ? 'queued' : run.status,
    contextValue: runContextValue(run),
  };
}

/** A run node again with newer progress (from the runner's live events). */
export function withProgress(node: RunNode, progress: RunInfo['progress']): RunNode {
  const run: RunInfo = { ...node.run, status: 'running', progress };
  return { ...node, run, description: `${runDescription(run)} · ${startText(run)}` };
}

function matches(filter: RunFilter | undefined, state: string, texts: (string | undefined)[]): boolean {
  if (!filter) return true;
  if (filter.statuses.length > 0 && !filter.statuses.includes(state)) return false;
  if (!filter.text) return true;
  return texts.some((t) => t?.toLowerCase().includes(filter.text));
}

function compareRuns(sort: RunSort): (a: RunInfo, b: RunInfo) => number {
  const newest = (a: RunInfo, b: RunInfo) => (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0);
  if (sort === 'newest') return newest;
  return (a, b) => {
    const x = studentAccuracy(a.summary) ?? -1;
    const y = studentAccuracy(b.summary) ?? -1;
    return y - x || newest(a, b);
  };
}

/** Groups runs by experiment; experiments with the newest activity first, queued runs on top. */
export function buildRunsTree(
  runs: RunInfo[],
  queued: QueuedRun[] = [],
  options: TreeOptions = {},
  sweeps: SweepNode[] = [],
): ExperimentNode[] {
  const byExperiment = new Map<string, { runs: RunInfo[]; queued: QueuedRun[]; sweeps: SweepNode[] }>();
  const group = (name: string) => {
    let entry = byExperiment.get(name);
    if (!entry) byExperiment.set(name, (entry = { runs: [], queued: [], sweeps: [] }));
    return entry;
  };
  for (const job of queued) group(job.experiment).queued.push(job);
  for (const run of runs) group(run.experiment).runs.push(run);
  for (const sweep of sweeps) group(sweep.experimentFolder).sweeps.push(sweep);

  const { filter, meta } = options;
  const resumeQueued = new Set(queued.map((q) => q.resumeDir).filter((d): d is string => d !== undefined));
  const names = new Map<string, string>();
  for (const [dir, m] of meta ?? []) if (m.name) names.set(dir, m.name);
  const nodes: (ExperimentNode & { newest: string; hasQueued: boolean })[] = [];
  for (const [name, entry] of byExperiment) {
    const sorted = [...entry.runs].sort(compareRuns(options.sort ?? 'newest'));
    const labels = runLabels(entry.runs, names);
    const source = entry.runs.find((r) => r.config?.sourceFile ?? r.summary?.sourceFile);
    const file =
      entry.queued.find((q) => q.file)?.file ??
      source?.config?.sourceFile ??
      source?.summary?.sourceFile ??
      entry.sweeps[0]?.record.sourceFile;
    const cell =
      entry.queued.find((q) => q.file)?.cell ??
      source?.config?.cell ??
      source?.summary?.cell ??
      entry.sweeps[0]?.record.cell;
    const children: (QueuedNode | RunNode | SweepNode)[] = [];
    for (const job of entry.queued) {
      if (job.resumeDir !== undefined) continue; // shown on its run's own item
      if (!matches(filter, 'queued', [job.label, name])) continue;
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
    for (const run of sorted) {
      const label = labels.get(run.dir) ?? run.runId;
      const note = meta?.get(run.dir)?.note;
      const node = runNode(run, label, note, resumeQueued.has(run.dir));
      if (matches(filter, run.status, [label, node.description, note, name, run.runId])) children.push(node);
    }
    for (const sweep of entry.sweeps) {
      const texts = [sweep.label, sweep.description, name, ...sweep.children.map((c) => c.label)];
      const statusOk =
        !filter || filter.statuses.length === 0 || filter.statuses.some((s) => sweep.states.some((x) => x === s));
      if (statusOk && matches(filter && { ...filter, statuses: [] }, '', texts)) children.push(sweep);
    }
    if (filter && children.length === 0) continue;
    nodes.push({
      kind: 'experiment',
      id: `experiment:${name}`,
      name,
      label: cell ?? name,
      file,
      cell,
      children,
      contextValue: 'experiment',
      description: sorted.length === 0 ? (entry.queued.length > 0 ? 'queued' : '') : runsLensText(sorted),
      newest:
        [sorted[0]?.runId ?? '', ...entry.sweeps.map((s) => s.record.createdAt.replace(/\D/g, ''))].sort().pop() ?? '',
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

export interface FileOptions {
  /** The path shown in the file's description (workspace-relative). */
  relative(file: string): string;
  exists(file: string): boolean;
  baseName(file: string): string;
}

/** The experiments under their files, in the order of the experiments' activity. */
export function groupByFile(experiments: ExperimentNode[], options: FileOptions): FileNode[] {
  const files = new Map<string, ExperimentNode[]>();
  for (const experiment of experiments) {
    const key = experiment.file ?? '';
    let list = files.get(key);
    if (!list) files.set(key, (list = []));
    list.push(experiment);
  }
  return [...files].map(([file, children]) => {
    const runs = children.flatMap((e) => e.children.filter((c): c is RunNode => c.kind === 'run'));
    // A teacher cell's accuracy is a teacher's: the file's "best student" counts only runs that distil.
    const students = runs.filter((r) => !runTrainsAlone(r.run));
    const ranked = students.length > 0 ? students : runs;
    const best = ranked
      .map((r) => studentAccuracy(r.run.summary))
      .filter((a): a is number => a !== undefined)
      .reduce<number | undefined>((m, a) => (m === undefined || a > m ? a : m), undefined);
    const word = students.length > 0 ? 'student' : 'teacher';
    const count = `${children.length} experiment${children.length === 1 ? '' : 's'} · ${runs.length} run${runs.length === 1 ? '' : 's'}`;
    const description = best === undefined ? count : `${count} · best ${word} ${formatPercent(best, 1)}`;
    if (!file)
      return {
        kind: 'file',
        id: 'file:',
        label: 'Other runs',
        description,
        tooltip: 'Runs whose configuration does not name the experiment file they came from',
        children,
        contextValue: 'file:unknown',
      };
    const exists = options.exists(file);
    return {
      kind: 'file',
      id: `file:${file}`,
      file,
      label: options.baseName(file),
      description: `${description}${exists ? '' : ' · file missing'}`,
      tooltip: `${options.relative(file)}${exists ? '' : ' (the file no longer exists)'}`,
      children,
      contextValue: exists ? 'file' : 'file:missing',
    };
  });
}

/** The run's status, and whether Resume can succeed on it (stopped, or crashed with a checkpoint). */
export function runContextValue(run: RunInfo): string {
  return `run:${run.status}${canResume(run) ? ':resumable' : ''}`;
}
