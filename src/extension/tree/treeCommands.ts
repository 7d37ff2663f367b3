// The Runs view's own commands: Filter Runs… (text and `status:` terms, with a context key that
// shows Clear Filter), Sort Runs… (newest or best first), and the actions of a file or experiment
// row: open the file, run it again, delete its runs (after the confirmation Delete Run asks for).
import * as path from 'path';
import * as vscode from 'vscode';
import { COMMANDS, CONTEXT_RUNS_FILTERED } from '../commandIds';
import type { RunsTreeProvider } from './runsTree';
import { parseRunFilter, type ExperimentNode, type FileNode, type RunSort } from './runsTreeModel';

function isNode(value: unknown, kind: 'file' | 'experiment'): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

/** Every stored run folder under a file or experiment row, sweeps included. */
export function runDirsUnder(node: FileNode | ExperimentNode): string[] {
  const experiments = node.kind === 'file' ? node.children : [node];
  return experiments.flatMap((e) =>
    e.children.flatMap((c) =>
      c.kind === 'run'
        ? [c.run.dir]
        : c.kind === 'sweep'
          ? c.children.flatMap((p) => (p.kind === 'run' ? [p.run.dir] : []))
          : [],
    ),
  );
}

export class TreeCommands {
  constructor(
    private readonly tree: RunsTreeProvider,
    private readonly view: vscode.TreeView<unknown>,
  ) {}

  register(): vscode.Disposable[] {
    const c = COMMANDS;
    return [
      vscode.commands.registerCommand(c.filterRuns, (text?: unknown) => this.filter(text)),
      vscode.commands.registerCommand(c.clearRunsFilter, () => this.applyFilter('')),
      vscode.commands.registerCommand(c.sortRuns, (sort?: unknown) => this.sort(sort)),
      vscode.commands.registerCommand(c.openExperimentFile, (node: unknown) => this.openFile(node)),
      vscode.commands.registerCommand(c.runAgain, (node: unknown) => this.runAgain(node)),
      vscode.commands.registerCommand(c.deleteExperimentRuns, (node: unknown) => this.deleteRuns(node)),
    ];
  }

  /** Asks for the filter (or takes it from the caller) and applies it; an empty one clears it. */
  async filter(text?: unknown): Promise<void> {
    const value =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            title: 'Filter Runs',
            prompt:
              "Words in a run's name, settings or results; status:done, status:failed, status:stopped, status:running, status:queued",
            placeHolder: 'e.g. temperature=4 status:done',
            value: this.filterText,
          });
    if (value === undefined) return;
    this.applyFilter(value);
  }

  private filterText = '';

  private applyFilter(text: string): void {
    const filter = parseRunFilter(text);
    this.filterText = filter ? text.trim() : '';
    this.tree.setFilter(filter);
    void vscode.commands.executeCommand('setContext', CONTEXT_RUNS_FILTERED, filter !== undefined);
    this.view.message = filter ? `Filtered by "${this.filterText}"` : undefined;
  }

  async sort(sort?: unknown): Promise<void> {
    let chosen: RunSort | undefined = sort === 'newest' || sort === 'best' ? sort : undefined;
    if (!chosen) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'Newest first', sort: 'newest' as const, picked: this.tree.sort === 'newest' },
          { label: 'Best student accuracy first', sort: 'best' as const, picked: this.tree.sort === 'best' },
        ],
        { title: 'Sort Runs' },
      );
      chosen = picked?.sort;
    }
    if (chosen) this.tree.setSort(chosen);
  }

  private fileOf(node: unknown): string | undefined {
    if (!isNode(node, 'file') && !isNode(node, 'experiment')) return undefined;
    return (node as FileNode | ExperimentNode).file;
  }

  async openFile(node: unknown): Promise<void> {
    const file = this.fileOf(node);
    if (!file) return;
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    const cell = isNode(node, 'experiment') ? (node as ExperimentNode).cell : undefined;
    if (cell === undefined) return;
    // The cell's "name" line, so the user lands on the experiment they picked.
    const text = editor.document.getText();
    const at = text.search(new RegExp(`"name"\\s*:\\s*${JSON.stringify(cell).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    if (at < 0) return;
    const position = editor.document.positionAt(at);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** An experiment row runs its cell again; a file row runs all its experiments in order. */
  async runAgain(node: unknown): Promise<unknown> {
    const file = this.fileOf(node);
    if (!file) return undefined;
    if (isNode(node, 'experiment')) {
      const { cell } = node as ExperimentNode;
      return vscode.commands.executeCommand(COMMANDS.start, cell === undefined ? { file } : { file, cell });
    }
    return vscode.commands.executeCommand(COMMANDS.runAll, { file });
  }

  /** Deletes every run under the row; Delete Run asks for confirmation and refuses runs still going. */
  async deleteRuns(node: unknown): Promise<string[]> {
    if (!isNode(node, 'file') && !isNode(node, 'experiment')) return [];
    const dirs = runDirsUnder(node as FileNode | ExperimentNode);
    if (dirs.length === 0) {
      void vscode.window.showInformationMessage(
        `${path.basename(this.fileOf(node) ?? 'This experiment')} has no stored runs.`,
      );
      return [];
    }
    return (await vscode.commands.executeCommand<string[]>(COMMANDS.deleteRun, dirs)) ?? [];
  }
}
