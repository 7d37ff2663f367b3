// The Runs view: sweeps → their points, and experiments → runs, from the run store plus the host's queue.
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { RunIndex } from '../runs/runIndex';
import type { RunManager } from '../runs/runManager';
import type { SweepController } from '../sweeps/sweepController';
import { buildRunsTree, type ExperimentNode, type QueuedRun, type RunIcon, type RunsTreeNode } from './runsTreeModel';
import { buildSweepNode, type SweepNode, type SweepPointNode } from './sweepTreeModel';

/** Every kind of item in the Runs view. */
export type RunsViewNode = RunsTreeNode | SweepNode | SweepPointNode;

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

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ExperimentNode[] = [];
  private sweepRoots: SweepNode[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly index: RunIndex,
    private readonly manager: RunManager,
    private readonly sweeps?: SweepController,
  ) {
    this.rebuild();
    if (sweeps) this.disposables.push(sweeps.onDidChange(() => this.update()));
    this.disposables.push(
      index.onDidChange(() => this.update()),
      // Queue changes (added, started, ended) alter the tree; step progress is read from disk.
      manager.onDidChangeJobs(() => this.update()),
      manager.onDidEnd(() => index.refresh()),
    );
  }

  /** The experiments as last built (for tests and for commands that list runs). */
  experiments(): ExperimentNode[] {
    return this.roots;
  }

  /** The sweeps as last built. */
  sweepNodes(): SweepNode[] {
    return this.sweepRoots;
  }

  private queued(): QueuedRun[] {
    return this.manager
      .active()
      .filter((j) => j.state === 'queued' && j.sweep === undefined)
      .map((j) => ({ jobId: j.id, experiment: j.experiment, resumeDir: j.resumeDir, label: j.label }));
  }

  private rebuild(): void {
    this.sweepRoots = this.buildSweeps();
    // A sweep's runs are shown under their sweep only.
    const inSweeps = new Set(
      this.sweepRoots.flatMap((s) => s.record.points.map((p) => path.join(s.record.runsDir, p.runDir))),
    );
    this.roots = buildRunsTree(
      this.index.runs().filter((r) => !inSweeps.has(r.dir)),
      this.queued(),
    );
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
    this.changed.fire(undefined);
  }

  getChildren(node?: RunsViewNode): RunsViewNode[] {
    if (!node)
      return [
        ...this.sweepRoots.filter((s) => s.contextValue.startsWith('sweep:live')),
        ...this.roots,
        ...this.sweepRoots.filter((s) => !s.contextValue.startsWith('sweep:live')),
      ];
    return node.kind === 'experiment' || node.kind === 'sweep' ? node.children : [];
  }

  getParent(node: RunsViewNode): RunsViewNode | undefined {
    if (node.kind === 'experiment' || node.kind === 'sweep') return undefined;
    return (
      this.sweepRoots.find((s) => s.children.some((c) => c.id === node.id)) ??
      this.roots.find((e) => e.children.some((c) => c.id === node.id))
    );
  }

  getTreeItem(node: RunsViewNode): vscode.TreeItem {
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
      const live = node.children.some((c) => c.icon === 'running' || c.icon === 'queued');
      const item = new vscode.TreeItem(
        node.name,
        live ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = node.id;
      item.description = node.description;
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
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
