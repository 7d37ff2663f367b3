// The Runs view: experiments → runs, from the run store plus the host's queue.
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import type { RunIndex } from '../runs/runIndex';
import type { RunManager } from '../runs/runManager';
import { buildRunsTree, type ExperimentNode, type QueuedRun, type RunIcon, type RunsTreeNode } from './runsTreeModel';

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

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: ExperimentNode[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly index: RunIndex,
    private readonly manager: RunManager,
  ) {
    this.rebuild();
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

  private queued(): QueuedRun[] {
    return this.manager
      .active()
      .filter((j) => j.state === 'queued')
      .map((j) => ({ jobId: j.id, experiment: j.experiment, resumeDir: j.resumeDir, label: j.label }));
  }

  private rebuild(): void {
    this.roots = buildRunsTree(this.index.runs(), this.queued());
  }

  update(): void {
    this.rebuild();
    this.changed.fire(undefined);
  }

  getChildren(node?: RunsTreeNode): RunsTreeNode[] {
    if (!node) return this.roots;
    return node.kind === 'experiment' ? node.children : [];
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    if (node.kind === 'experiment') return undefined;
    return this.roots.find((e) => e.children.some((c) => c.id === node.id));
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
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
