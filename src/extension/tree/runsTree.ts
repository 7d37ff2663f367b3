// The Runs view: experiment files → their experiments (cells) → runs and sweeps, from the run store
// plus the host's queue. Rows follow the runner's own events as they arrive (a new run shows at its
// first event, a running row's progress moves with every step), not only the file watcher's
// debounced reads, which can lag far behind on a busy machine.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { META_FILE, readRunMeta, type RunMeta } from '../../engine/store/runMeta';
import type { RunInfo } from '../../engine/store/runStore';
import type { RunEvent } from '../../protocol/events';
import type { RunIndex } from '../runs/runIndex';
import type { RunManager } from '../runs/runManager';
import type { SweepController } from '../sweeps/sweepController';
import {
  buildRunsTree,
  groupByFile,
  withProgress,
  type ExperimentNode,
  type FileNode,
  type QueuedRun,
  type RunFilter,
  type RunIcon,
  type RunNode,
  type RunSort,
  type RunsTreeNode,
} from './runsTreeModel';
import { buildSweepNode, type SweepNode, type SweepPointNode } from './sweepTreeModel';

/** Every kind of item in the Runs view. */
export type RunsViewNode = RunsTreeNode | SweepNode | SweepPointNode;

/** Live progress redraws at most this often (a fast run emits many steps a second). */
const LIVE_REDRAW_MS = 200;

function icon(kind: RunIcon): vscode.ThemeIcon {
  switch (kind) {
    case 'running':
      return new vscode.ThemeIcon('loading~spin');
    case 'done':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'stopped':
      return new vscode.ThemeIcon('debug-stop', new vscode.ThemeColor('testing.iconSkipped'));
    case 'queued':
      return new vscode.ThemeIcon('clock');
  }
}

/** The progress a live event implies, given what was known before. */
function progressAfter(previous: RunInfo['progress'], event: RunEvent): RunInfo['progress'] | undefined {
  if (event.type === 'stage-start')
    return {
      stage: event.stage,
      epoch: event.startEpoch,
      epochs: event.epochs,
      step: 0,
      stepsPerEpoch: event.stepsPerEpoch,
    };
  if (event.type === 'step')
    return {
      stage: event.stage,
      epoch: event.epoch,
      epochs: previous?.stage === event.stage ? previous.epochs : event.epoch,
      step: event.step,
      stepsPerEpoch: event.stepsPerEpoch,
      total: event.total,
    };
  return undefined;
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private files: FileNode[] = [];
  private roots: ExperimentNode[] = [];
  private sweepRoots: SweepNode[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly metaCache = new Map<string, { stamp: string; meta: RunMeta }>();
  /** Progress from the runner's events, newer than what the run store showed at the last read. */
  private readonly live = new Map<string, RunInfo['progress']>();
  private readonly dirty = new Set<RunNode>();
  private liveTimer?: NodeJS.Timeout;
  private filterValue?: RunFilter;
  private sortValue: RunSort = 'newest';

  constructor(
    private readonly index: RunIndex,
    private readonly manager: RunManager,
    private readonly sweeps?: SweepController,
  ) {
    this.rebuild();
    if (sweeps) this.disposables.push(sweeps.onDidChange(() => this.update()));
    this.disposables.push(
      index.onDidChange(() => this.update()),
      // Queue changes (added, started, ended) alter the tree.
      manager.onDidChangeJobs(() => this.update()),
      manager.onDidEnd(() => index.refresh()),
      manager.onRunEvent(({ runDir, event }) => this.onRunEvent(runDir, event)),
    );
  }

  get filter(): RunFilter | undefined {
    return this.filterValue;
  }

  get sort(): RunSort {
    return this.sortValue;
  }

  setFilter(filter: RunFilter | undefined): void {
    this.filterValue = filter;
    this.update();
  }

  setSort(sort: RunSort): void {
    this.sortValue = sort;
    this.update();
  }

  /** The files as last built (the view's roots). */
  fileNodes(): FileNode[] {
    return this.files;
  }

  /** The experiments as last built, across files (for tests and for commands that list runs). */
  experiments(): ExperimentNode[] {
    return this.roots;
  }

  /** The sweeps as last built. */
  sweepNodes(): SweepNode[] {
    return this.sweepRoots;
  }

  /** The row of a run folder, wherever it sits. */
  runNode(runDir: string): RunNode | undefined {
    const wanted = path.resolve(runDir);
    for (const experiment of this.roots)
      for (const child of experiment.children) {
        if (child.kind === 'run' && path.resolve(child.run.dir) === wanted) return child;
        if (child.kind === 'sweep')
          for (const point of child.children)
            if (point.kind === 'run' && path.resolve(point.run.dir) === wanted) return point;
      }
    return undefined;
  }

  private onRunEvent(runDir: string, event: RunEvent): void {
    if (event.type === 'run-start') {
      this.live.delete(runDir);
      // The runner made the folder complete before saying so: read it now, not after the watcher.
      if (!this.index.find(runDir)) this.index.refreshNow();
      return;
    }
    if (event.type === 'run-end') {
      this.live.delete(runDir);
      this.index.refreshNow();
      return;
    }
    const progress = progressAfter(this.live.get(runDir) ?? this.index.find(runDir)?.progress, event);
    if (!progress) return;
    this.live.set(runDir, progress);
    const node = this.runNode(runDir);
    if (!node) {
      if (!this.index.find(runDir)) this.index.refreshNow();
      return;
    }
    // The same object is updated and announced: VS Code refreshes a row by the element it was given.
    const next = withProgress(node, progress);
    node.run = next.run;
    node.description = next.description;
    node.icon = node.icon === 'queued' ? 'running' : node.icon;
    this.dirty.add(node);
    this.liveTimer ??= setTimeout(() => {
      this.liveTimer = undefined;
      for (const n of this.dirty) this.changed.fire(n);
      this.dirty.clear();
    }, LIVE_REDRAW_MS);
  }

  private metaOf(runDir: string): RunMeta {
    let stamp = '-';
    try {
      const stat = fs.statSync(path.join(runDir, META_FILE));
      stamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      // no meta.json: no name, no note
    }
    const cached = this.metaCache.get(runDir);
    if (cached && cached.stamp === stamp) return cached.meta;
    const meta = stamp === '-' ? {} : readRunMeta(runDir);
    this.metaCache.set(runDir, { stamp, meta });
    return meta;
  }

  private queued(): QueuedRun[] {
    return this.manager
      .active()
      .filter((j) => j.state === 'queued' && j.sweep === undefined)
      .map((j) => ({
        jobId: j.id,
        experiment: j.experiment,
        resumeDir: j.resumeDir,
        label: j.label,
        file: j.file,
        cell: j.cell,
      }));
  }

  private rebuild(): void {
    this.sweepRoots = this.buildSweeps();
    // A sweep's runs are shown under their sweep only.
    const inSweeps = new Set(
      this.sweepRoots.flatMap((s) => s.record.points.map((p) => path.join(s.record.runsDir, p.runDir))),
    );
    const runs = this.index.runs().map((run) => {
      const progress = this.live.get(run.dir);
      return progress && run.status === 'running' ? { ...run, progress } : run;
    });
    const meta = new Map(runs.map((r) => [r.dir, this.metaOf(r.dir)]));
    this.roots = buildRunsTree(
      runs.filter((r) => !inSweeps.has(r.dir)),
      this.queued(),
      { meta, filter: this.filterValue, sort: this.sortValue },
      this.sweepRoots,
    );
    this.files = groupByFile(this.roots, {
      relative: (file) => vscode.workspace.asRelativePath(file),
      exists: (file) => fs.existsSync(file),
      baseName: (file) => path.basename(file),
    });
  }

  private buildSweeps(): SweepNode[] {
    if (!this.sweeps) return [];
    const runs = new Map(this.index.runs().map((r) => [r.dir, r]));
    return this.sweeps.sweeps().map(({ dir, record }) => {
      const jobs = new Map<number, 'queued' | 'running'>();
      for (const job of this.sweeps!.jobsOf(dir))
        if (job.sweep && job.state !== 'ended') jobs.set(job.sweep.point, job.state);
      return buildSweepNode({ dir, record, jobs, scheduler: this.sweeps!.schedulerStates(dir) }, (d) => runs.get(d));
    });
  }

  update(): void {
    this.rebuild();
    this.dirty.clear();
    this.changed.fire(undefined);
  }

  getChildren(node?: RunsViewNode): RunsViewNode[] {
    if (!node) return this.files;
    return node.kind === 'file' || node.kind === 'experiment' || node.kind === 'sweep' ? node.children : [];
  }

  getParent(node: RunsViewNode): RunsViewNode | undefined {
    if (node.kind === 'file') return undefined;
    if (node.kind === 'experiment') return this.files.find((f) => f.children.includes(node));
    const experiment = this.roots.find((e) => e.children.some((c) => c.id === node.id));
    if (experiment) return experiment;
    return this.sweepRoots.find((s) => s.children.some((c) => c.id === node.id));
  }

  getTreeItem(node: RunsViewNode): vscode.TreeItem {
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.id;
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.contextValue = node.contextValue;
      if (node.file) item.resourceUri = vscode.Uri.file(node.file);
      item.iconPath = node.file ? vscode.ThemeIcon.File : new vscode.ThemeIcon('question');
      return item;
    }
    if (node.kind === 'sweep') {
      const live = node.contextValue.startsWith('sweep:live');
      const item = new vscode.TreeItem(
        node.label,
        live ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = node.id;
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.contextValue = node.contextValue;
      const failed = node.states.includes('failed');
      item.iconPath = live
        ? new vscode.ThemeIcon('loading~spin')
        : new vscode.ThemeIcon('layers', failed ? new vscode.ThemeColor('testing.iconFailed') : undefined);
      return item;
    }
    if (node.kind === 'experiment') {
      const live = node.children.some((c) => c.kind !== 'sweep' && (c.icon === 'running' || c.icon === 'queued'));
      const item = new vscode.TreeItem(
        node.label,
        live || this.filterValue ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = node.id;
      item.description = node.description;
      item.tooltip = node.file ? `${node.name} in ${vscode.workspace.asRelativePath(node.file)}` : node.name;
      item.contextValue = node.contextValue;
      item.iconPath = new vscode.ThemeIcon('beaker');
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.iconPath = icon(node.icon);
    item.contextValue = node.contextValue;
    if (node.kind === 'run') {
      const tooltip = new vscode.MarkdownString(node.tooltip);
      tooltip.supportThemeIcons = true;
      item.tooltip = tooltip;
      item.command = {
        title: 'Show Experiment Panel',
        command: COMMANDS.showPanel,
        arguments: [{ runDir: node.run.dir }],
      };
    } else {
      item.tooltip = node.tooltip;
    }
    return item;
  }

  dispose(): void {
    if (this.liveTimer) clearTimeout(this.liveTimer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
