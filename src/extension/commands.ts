// The bodies of the extension's commands. Each accepts what its callers pass: a file URI (editor
// title, explorer), a `{ file, cell }` target (CodeLens), a `{ runDir }` or `{ jobId }` (status
// bar, notifications, lenses), tree nodes (Runs view, with the multi-selection), or nothing
// (Command Palette: the active editor, or a pick).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Problem } from '../engine/config';
import { EXPERIMENT_FILE_LIMIT, readTextFileSafely } from '../engine/io/safeRead';
import type { WorkerAnalysis } from './validation/validatorService';
import type { ExperimentFile } from '../engine/config/types';
import { deleteRun, safeName, type RunInfo } from '../engine/store/runStore';
import { readSweepRecord } from '../engine/sweep/store';
import { liveLock, signalRunner } from '../engine/store/runLock';
import { STOP_GRACE_MS } from './runs/runManager';
import { COMMANDS } from './commandIds';
import type { ExperimentDiagnostics } from './editor/diagnostics';
import type { PanelTarget } from './panelDeps';
import type { RunIndex } from './runs/runIndex';
import type { RunJob, RunManager } from './runs/runManager';
import { freeStem, templateText, TEMPLATES } from './templates';
import type { RunsTreeNode } from './tree/runsTreeModel';
import type { CompareSource } from '../protocol/webview';
import { editRunMeta } from './compare/runMetaInput';
import { runDescription } from './text';
import { canResume, whyNotResumable } from '../engine/store/resumable';
import { cellsWithoutRun } from '../engine/checks/fromCellRuns';
import type { Experiment } from '../engine/config/types';

export interface Panels {
  showExperiment(target: PanelTarget): void;
  showComparison(source: string[] | CompareSource): void;
}

export interface CommandDeps {
  manager: RunManager;
  index: RunIndex;
  diagnostics: ExperimentDiagnostics;
  /** Validates a file's text off the host's thread; without errors, the experiments come with it. */
  analyse: (file: string, text: string) => Promise<WorkerAnalysis>;
  /** The run store (settings can change it). */
  runsDir: () => string;
  panels: Panels;
  log: vscode.LogOutputChannel;
}

/** `first`: also run, before the cell, the cells it reuses that have no finished run. */
type FileTarget = { file: string; cell?: string; first?: boolean };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isTreeNode(value: unknown): value is RunsTreeNode {
  return (
    isObject(value) &&
    (value.kind === 'run' || value.kind === 'queued' || value.kind === 'experiment') &&
    typeof value.id === 'string'
  );
}

function isExperimentPath(file: string): boolean {
  return file.endsWith('.kd.json');
}

/** The experiment file (and cell) a command is about. */
function fileTargetOf(arg: unknown): FileTarget | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? { file: arg.fsPath } : undefined;
  if (isObject(arg) && typeof arg.file === 'string')
    return {
      file: arg.file,
      cell: typeof arg.cell === 'string' ? arg.cell : undefined,
      ...(arg.first === true ? { first: true } : {}),
    };
  if (arg === undefined) {
    const document = vscode.window.activeTextEditor?.document;
    if (document && document.uri.scheme === 'file' && isExperimentPath(document.uri.fsPath))
      return { file: document.uri.fsPath };
  }
  return undefined;
}

/** The run folders a command is about (tree multi-selection included). */
function runDirsOf(arg: unknown, selection: unknown): string[] {
  const nodes = Array.isArray(selection) && selection.length > 0 ? selection : [arg];
  const dirs: string[] = [];
  for (const node of nodes) {
    if (typeof node === 'string') dirs.push(node);
    else if (Array.isArray(node)) dirs.push(...node.filter((d): d is string => typeof d === 'string'));
    else if (isTreeNode(node) && node.kind === 'run') dirs.push(node.run.dir);
    else if (isTreeNode(node) && node.kind === 'experiment')
      dirs.push(...node.children.flatMap((c) => (c.kind === 'run' ? [c.run.dir] : [])));
    else if (isObject(node) && typeof node.runDir === 'string') dirs.push(node.runDir);
  }
  return [...new Set(dirs)];
}

export class Commands {
  constructor(private readonly deps: CommandDeps) {}

  register(): vscode.Disposable[] {
    const c = COMMANDS;
    const reg = (id: string, body: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, body);
    return [
      reg(c.start, (arg) => this.start(arg)),
      reg(c.runAll, (arg) => this.runAll(arg)),
      reg(c.stop, (arg, selection) => this.stop(arg, selection)),
      reg(c.resume, (arg) => this.resume(arg)),
      reg(c.showPanel, (arg) => this.showPanel(arg)),
      reg(c.compareRuns, (arg, selection) => this.compare(arg, selection)),
      reg(c.newExperiment, (arg) => this.newExperiment(arg)),
      reg(c.validate, (arg) => this.validate(arg)),
      reg(c.openRunFolder, (arg) => this.openRunFolder(arg)),
      reg(c.deleteRun, (arg, selection) => this.deleteRuns(arg, selection)),
      reg(c.refreshRuns, () => this.deps.index.refreshNow()),
      reg(c.showLog, () => this.deps.log.show()),
      reg(c.renameRun, (arg) => this.editMeta(arg, 'name')),
      reg(c.noteRun, (arg) => this.editMeta(arg, 'note')),
    ];
  }

  // ---- running

  /** Starts one experiment (a cell, or the file's only experiment). Resolves to the queued job, or undefined when refused. */
  async start(arg?: unknown): Promise<RunJob | undefined> {
    const target = await this.requireFile(arg);
    if (!target || !this.requireTrust()) return undefined;
    const loaded = await this.prepare(target.file);
    if (!loaded) return undefined;
    let cell = target.cell;
    if (cell === undefined && loaded.notebook) {
      const all = '$(run-all) All cells, in order';
      const picked = await vscode.window.showQuickPick([...loaded.experiments.map((e) => e.cell ?? e.name), all], {
        title: `Run a cell of ${path.basename(target.file)}`,
      });
      if (picked === undefined) return undefined;
      if (picked === all) return (await this.enqueueAll(loaded))[0];
      cell = picked;
    }
    const experiment = cell === undefined ? loaded.experiments[0] : loaded.experiments.find((e) => e.cell === cell);
    if (!experiment) {
      void vscode.window.showErrorMessage(`${path.basename(target.file)} has no cell named "${cell}".`);
      return undefined;
    }
    const needed = this.cellsToRunFirst(loaded, experiment);
    if (needed.length > 0 && !target.first) {
      // Not a failed run: the file is right, the order of work is not. Offer to put it right.
      const names = needed.map((e) => `"${e.cell}"`).join(', ');
      const action = `Run ${needed.map((e) => e.cell).join(', ')} first`;
      void vscode.window
        .showWarningMessage(
          `Cell "${experiment.cell}" reuses the trained model of ${names}, which has no finished run yet.`,
          action,
        )
        .then((choice) =>
          choice === action ? this.start({ ...target, cell: experiment.cell, first: true }) : undefined,
        );
      return undefined;
    }
    let after: number | undefined = this.pendingJobOf(loaded, experiment)?.id;
    for (const first of needed) {
      after = this.deps.manager.enqueue({
        label: labelOf(loaded, first.cell),
        experiment: safeName(first.name),
        file: target.file,
        cell: first.cell,
        ...(after !== undefined ? { after } : {}),
      }).id;
    }
    return this.deps.manager.enqueue({
      label: labelOf(loaded, experiment.cell),
      experiment: safeName(experiment.name),
      file: target.file,
      cell: experiment.cell,
      ...(after !== undefined ? { after } : {}),
    });
  }

  /**
   * The cells an experiment reuses (through fromCell, transitively) that have no finished run and
   * are not queued or running, earliest first: what must run before it.
   */
  private cellsToRunFirst(loaded: ExperimentFile, experiment: Experiment): Experiment[] {
    const runsDir = this.deps.runsDir();
    const needed = new Map<string, Experiment>();
    const visit = (e: Experiment) => {
      for (const { cell } of cellsWithoutRun(e, runsDir)) {
        const source = loaded.experiments.find((x) => x.cell === cell);
        if (!source || needed.has(cell) || this.activeJobOf(source)) continue;
        visit(source);
        needed.set(cell, source);
      }
    };
    visit(experiment);
    return loaded.experiments.filter((e) => e.cell !== undefined && needed.has(e.cell));
  }

  /** The queued or running job of an experiment, if any. */
  private activeJobOf(experiment: Experiment): RunJob | undefined {
    return this.deps.manager.active().find((j) => j.experiment === safeName(experiment.name));
  }

  /** The last queued or running job of a cell this experiment reuses: a new run of it waits for that one. */
  private pendingJobOf(loaded: ExperimentFile, experiment: Experiment): RunJob | undefined {
    const reused = new Set(
      [experiment.teacher, experiment.student, ...(experiment.distill.teachers ?? [])].flatMap((spec) =>
        spec && 'fromCell' in spec ? [spec.fromCell] : [],
      ),
    );
    const jobs = loaded.experiments
      .filter((e) => e.cell !== undefined && reused.has(e.cell))
      .map((e) => this.activeJobOf(e));
    return jobs.filter((j): j is RunJob => j !== undefined).sort((a, b) => b.id - a.id)[0];
  }

  /** Runs every cell in order; a cell that does not finish cancels the ones after it. */
  async runAll(arg?: unknown): Promise<RunJob[]> {
    const target = await this.requireFile(arg);
    if (!target || !this.requireTrust()) return [];
    const loaded = await this.prepare(target.file);
    return loaded ? this.enqueueAll(loaded) : [];
  }

  private enqueueAll(loaded: ExperimentFile): RunJob[] {
    const jobs: RunJob[] = [];
    for (const experiment of loaded.experiments) {
      jobs.push(
        this.deps.manager.enqueue({
          label: labelOf(loaded, experiment.cell),
          experiment: safeName(experiment.name),
          file: loaded.path,
          cell: experiment.cell,
          after: jobs[jobs.length - 1]?.id,
        }),
      );
    }
    return jobs;
  }

  async resume(arg?: unknown): Promise<RunJob | undefined> {
    if (!this.requireTrust()) return undefined;
    let runDir = runDirsOf(arg, undefined)[0];
    if (!runDir) {
      const resumable = this.deps.index.runs().filter(canResume);
      const picked = await pickRun(resumable, 'Resume a stopped or crashed run');
      if (!picked) return undefined;
      runDir = picked.dir;
    }
    const run = this.deps.index.refreshNow().find((r) => path.resolve(r.dir) === path.resolve(runDir));
    if (!run) {
      void vscode.window.showErrorMessage(`No run at ${runDir}.`);
      return undefined;
    }
    if (this.deps.manager.jobOfRunDir(run.dir) || run.status === 'running') {
      void vscode.window.showInformationMessage(`${run.experiment} ${run.runId} is already running.`);
      return undefined;
    }
    const why = whyNotResumable(run);
    if (why) {
      void vscode.window.showInformationMessage(`${run.experiment} ${run.runId} cannot be resumed: ${why}.`);
      return undefined;
    }
    return this.deps.manager.enqueue({
      label: `${run.experiment} (resumed)`,
      experiment: run.experiment,
      resumeDir: run.dir,
    });
  }

  async stop(arg?: unknown, selection?: unknown): Promise<void> {
    const { manager } = this.deps;
    if (isObject(arg) && typeof arg.jobId === 'number') {
      manager.stop(arg.jobId);
      return;
    }
    if (isTreeNode(arg) && arg.kind === 'queued') {
      manager.stop(arg.jobId);
      return;
    }
    const dirs = runDirsOf(arg, selection);
    if (dirs.length > 0) {
      for (const dir of dirs) this.stopRunDir(dir);
      return;
    }
    const active = manager.active();
    if (active.length === 0) {
      void vscode.window.showInformationMessage('No distillation run is going.');
      return;
    }
    if (active.length === 1) {
      manager.stop(active[0].id);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      active.map((j) => ({ label: j.label, description: j.state, id: j.id })),
      { title: 'Stop a run', canPickMany: true },
    );
    for (const p of picked ?? []) manager.stop(p.id);
  }

  /** Stops a run of this window, or one started elsewhere (the kd CLI) through its process id. */
  private stopRunDir(dir: string): void {
    const job = this.deps.manager.jobOfRunDir(dir);
    if (job) {
      this.deps.manager.stop(job.id);
      return;
    }
    // Only a process verified as this run's runner (its lock's start time, the run's events file open) is signalled.
    const done = signalRunner(dir, STOP_GRACE_MS, (message) => this.deps.log.warn(`${path.basename(dir)}: ${message}`));
    this.deps.log.info(`stop ${path.basename(dir)}: ${done}`);
  }

  // ---- viewing

  async showPanel(arg?: unknown): Promise<void> {
    const dirs = runDirsOf(arg, undefined);
    if (dirs.length > 0) {
      this.deps.panels.showExperiment({ kind: 'run', runDir: dirs[0] });
      return;
    }
    const target = await this.requireFile(arg);
    if (target)
      this.deps.panels.showExperiment(
        target.cell === undefined
          ? { kind: 'file', file: target.file }
          : { kind: 'file', file: target.file, cell: target.cell },
      );
  }

  async compare(arg?: unknown, selection?: unknown): Promise<void> {
    // An experiment node alone: every run of it, including runs that start while the view is open.
    const single = !Array.isArray(selection) || selection.length <= 1;
    // A sweep node (or `{ sweepDir }`): the sweep's runs, grouped by seed, points joining as they start.
    if (single && isObject(arg) && typeof arg.sweepDir === 'string') {
      try {
        const record = readSweepRecord(arg.sweepDir);
        this.deps.panels.showComparison({ experiment: record.experiment, sweepId: record.id });
      } catch (error) {
        void vscode.window.showErrorMessage(`Compare: ${(error as Error).message}`);
      }
      return;
    }
    if (single && isTreeNode(arg) && arg.kind === 'experiment') {
      this.deps.panels.showComparison({ experiment: arg.name });
      return;
    }
    let dirs = runDirsOf(arg, selection);
    if (dirs.length === 0) {
      const runs = this.deps.index.runs();
      if (runs.length === 0) {
        void vscode.window.showInformationMessage('There are no runs to compare yet.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        runs.map((run) => ({ label: `${run.experiment} · ${run.runId}`, description: runDescription(run), run })),
        { title: 'Compare runs', canPickMany: true },
      );
      if (!picked || picked.length === 0) return;
      dirs = picked.map((p) => p.run.dir);
    }
    this.deps.panels.showComparison(dirs);
  }

  async validate(arg?: unknown): Promise<Problem[] | undefined> {
    const target = await this.requireFile(arg);
    if (!target) return undefined;
    const problems = await this.check(target.file);
    const name = path.basename(target.file);
    const errors = problems.filter((p) => p.severity === 'error').length;
    if (problems.length === 0) void vscode.window.showInformationMessage(`${name} is a valid experiment file.`);
    else void this.reportProblems(name, problems, errors === 0 ? 'warning' : 'error');
    return problems;
  }

  // ---- files

  async newExperiment(arg?: unknown): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showQuickPick(
      TEMPLATES.map((t) => ({ label: t.label, detail: t.detail, template: t })),
      { title: 'New distillation experiment' },
    );
    if (!picked) return undefined;
    const template = picked.template;
    const folder = arg instanceof vscode.Uri ? arg.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) {
      const document = await vscode.workspace.openTextDocument({
        language: 'json',
        content: templateText(template, template.stem),
      });
      await vscode.window.showTextDocument(document);
      void vscode.window.showInformationMessage('Save it with a name ending in .kd.json to run it.');
      return document.uri;
    }
    const suggested = freeStem(template.stem, (stem) => fs.existsSync(path.join(folder, `${stem}.kd.json`)));
    const stem = await vscode.window.showInputBox({
      title: 'Name of the experiment',
      value: suggested,
      validateInput: (value) =>
        /^[A-Za-z0-9._-]+$/.test(value)
          ? fs.existsSync(path.join(folder, `${value}.kd.json`))
            ? `${value}.kd.json exists`
            : undefined
          : 'letters, digits, ".", "_" and "-" only',
    });
    if (!stem) return undefined;
    const uri = vscode.Uri.file(path.join(folder, `${stem}.kd.json`));
    await vscode.workspace.fs.writeFile(uri, Buffer.from(templateText(template, stem), 'utf8'));
    await vscode.window.showTextDocument(uri);
    return uri;
  }

  /** Names a run or attaches a note to it (meta.json in its folder); the tree and views pick it up from the store. */
  async editMeta(arg: unknown, field: 'name' | 'note'): Promise<boolean> {
    const dir = runDirsOf(arg, undefined)[0];
    if (!dir) return false;
    const saved = await editRunMeta(dir, field);
    if (saved) this.deps.index.refresh();
    return saved;
  }

  async openRunFolder(arg?: unknown): Promise<void> {
    const dir = runDirsOf(arg, undefined)[0];
    if (!dir) return;
    const uri = vscode.Uri.file(dir);
    // Inside the workspace the Explorer shows it (works remotely too); elsewhere the OS file manager.
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  }

  async deleteRuns(arg?: unknown, selection?: unknown): Promise<string[]> {
    const dirs = runDirsOf(arg, selection);
    if (dirs.length === 0) return [];
    const busy = dirs.filter((dir) => this.deps.manager.jobOfRunDir(dir) || liveLock(dir));
    if (busy.length > 0) {
      void vscode.window.showWarningMessage(
        `Stop ${busy.length === 1 ? 'the run' : `${busy.length} runs`} before deleting: ${busy.map((d) => path.basename(d)).join(', ')}.`,
      );
      return [];
    }
    const what =
      dirs.length === 1
        ? `run ${path.basename(path.dirname(dirs[0]))} ${path.basename(dirs[0])}`
        : `${dirs.length} runs`;
    const answer = await vscode.window.showWarningMessage(
      `Delete ${what}? Its metrics, logs and checkpoints are removed from disk.`,
      { modal: true },
      'Delete',
    );
    if (answer !== 'Delete') return [];
    for (const dir of dirs) {
      try {
        // Checked again at the moment of deletion: a run may have been resumed meanwhile.
        deleteRun(dir);
        this.deps.log.info(`deleted ${dir}`);
      } catch (error) {
        void vscode.window.showWarningMessage((error as Error).message);
      }
    }
    this.deps.index.refreshNow();
    return dirs;
  }

  // ---- helpers

  private async requireFile(arg: unknown): Promise<FileTarget | undefined> {
    const target = fileTargetOf(arg);
    if (target) return target;
    const files = await vscode.workspace.findFiles('**/*.kd.json', '**/node_modules/**', 200);
    if (files.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        'Open a .kd.json experiment file first.',
        'New Experiment',
      );
      if (choice) await vscode.commands.executeCommand(COMMANDS.newExperiment);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Experiment file' },
    );
    return picked ? { file: picked.uri.fsPath } : undefined;
  }

  /** Training runs code on this machine; an untrusted workspace may only be browsed. */
  private requireTrust(): boolean {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window
      .showErrorMessage(
        "Distillation runs are disabled in Restricted Mode: starting one runs training on this machine as the workspace's files direct. Trust the workspace to start runs; viewing runs works without it.",
        'Manage Workspace Trust',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return false;
  }

  /** Problems of a file's current text (the editor's, if open), published as diagnostics. */
  private async check(file: string): Promise<Problem[]> {
    return (await this.analyse(file)).problems;
  }

  /** A file's current text (the editor's, if open) analysed off the host's thread; its problems become diagnostics. */
  private async analyse(file: string): Promise<WorkerAnalysis> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    let text: string;
    if (document) text = document.getText();
    else {
      const read = readTextFileSafely(file, EXPERIMENT_FILE_LIMIT);
      if ('error' in read) throw new Error(read.error);
      text = read.text;
    }
    const analysis = await this.deps.analyse(file, text);
    this.deps.diagnostics.set(file, analysis.problems);
    return analysis;
  }

  /** Saves the file and analyses it (on the worker); on problems shows them and resolves to undefined. */
  private async prepare(file: string): Promise<ExperimentFile | undefined> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    if (document?.isDirty) await document.save();
    const name = path.basename(file);
    let analysis: WorkerAnalysis;
    try {
      analysis = await this.analyse(file);
    } catch (error) {
      void vscode.window.showErrorMessage(`${name}: ${(error as Error).message}`);
      return undefined;
    }
    if (analysis.problems.some((p) => p.severity === 'error') || !analysis.file) {
      void this.reportProblems(name, analysis.problems, 'error');
      return undefined;
    }
    return analysis.file;
  }

  private async reportProblems(name: string, problems: readonly Problem[], level: 'error' | 'warning'): Promise<void> {
    const first = problems.find((p) => p.severity === 'error') ?? problems[0];
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    const message = `${name}: ${count}, not run. Line ${first.line}: ${first.message}`;
    const show = level === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(
      level === 'error' ? message : `${name}: ${count}. Line ${first.line}: ${first.message}`,
      'Show Problems',
    );
    if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}

function labelOf(file: ExperimentFile, cell: string | undefined): string {
  return cell === undefined ? file.name : `${file.name} · ${cell}`;
}

async function pickRun(runs: RunInfo[], title: string): Promise<RunInfo | undefined> {
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('No run to pick.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: `${run.experiment} · ${run.runId}`, description: runDescription(run), run })),
    { title },
  );
  return picked?.run;
}
