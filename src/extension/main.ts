// Activation: builds the run manager, the run index, the views and the commands, and ties their
// lifetimes to the extension's. Everything long-running happens in runner processes.
import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import type { DistillationStudioApi } from './api';
import { CONTEXT_RUNS_ACTIVE, VIEW_RUNS } from './commandIds';
import { Commands } from './commands';
import { onSettingsChanged, readSettings, type Settings } from './config';
import { ExperimentCodeLensProvider, EXPERIMENT_SELECTOR } from './editor/codeLens';
import { ReplacementQuickFixes } from './editor/quickFixes';
import { ExperimentDiagnostics } from './editor/diagnostics';
import { registerLiveValidation } from './editor/liveValidation';
import { OutcomeDecorations } from './editor/outcomeDecorations';
import { registerComparePanel } from './compare';
import { registerExperimentPanel } from './panel';
import type { PanelDeps } from './panelDeps';
import { runnerCommand } from './runs/runnerCommand';
import { RunIndex } from './runs/runIndex';
import { RunManager } from './runs/runManager';
import { RunPresenter } from './runs/runPresenter';
import { RunsTreeProvider } from './tree/runsTree';
import { TreeCommands } from './tree/treeCommands';
import { registerSweepCommands } from './sweeps/sweepCommands';
import { SweepController } from './sweeps/sweepController';
import { ValidatorService } from './validation/validatorService';
import { validationOptions } from './validation/trust';

export function activate(context: vscode.ExtensionContext): DistillationStudioApi {
  const log = vscode.window.createOutputChannel('Distillation Studio', { log: true });
  const fallbackRoot = context.globalStorageUri.fsPath;
  let settings: Settings = readSettings(fallbackRoot);
  const runnerPath = context.asAbsolutePath(path.join('dist', 'runner.js'));

  const manager = new RunManager({ settings: () => settings, runnerPath, log });
  const index = new RunIndex(settings.runsDir);
  const presenter = new RunPresenter(manager, log);
  const diagnostics = new ExperimentDiagnostics();
  const sweeps = new SweepController({ manager, settings: () => settings, runnerPath, log });
  const tree = new RunsTreeProvider(index, manager, sweeps);
  const validatorPath = context.asAbsolutePath(path.join('dist', 'validator.js'));
  const validator = new ValidatorService({ startWorker: () => new Worker(validatorPath) });
  const validate = (file: string, text: string) => validator.validate(file, text, validationOptions(settings.runsDir));
  const analyse = (file: string, text: string) => validator.analyse(file, text, validationOptions(settings.runsDir));
  const treeView = vscode.window.createTreeView(VIEW_RUNS, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });

  const panelDeps: PanelDeps = {
    runsDir: () => settings.runsDir,
    onRunEvent: manager.onRunEvent,
    runnerCommand: (request) =>
      runnerCommand(request, {
        runnerPath,
        configuredNode: settings.nodePath,
        execPath: process.execPath,
        env: process.env,
      }),
    warn: (message) => log.warn(message),
  };
  const experimentPanel = registerExperimentPanel(context, panelDeps);
  const comparePanel = registerComparePanel(context, panelDeps, {
    openRun: (runDir) => experimentPanel.show({ kind: 'run', runDir }),
    store: index,
  });
  const commands = new Commands({
    manager,
    index,
    diagnostics,
    analyse,
    runsDir: () => settings.runsDir,
    log,
    panels: {
      showExperiment: (target) => experimentPanel.show(target),
      showComparison: (source) => comparePanel.show(source),
    },
  });

  const lenses = new ExperimentCodeLensProvider(index, manager, analyse);
  const outcomes = new OutcomeDecorations(index, manager);

  const updateActivity = () => {
    const active = manager.active();
    const running = active.filter((j) => j.state === 'running').length;
    void vscode.commands.executeCommand('setContext', CONTEXT_RUNS_ACTIVE, active.length > 0);
    treeView.badge =
      running > 0 ? { value: running, tooltip: `${running} run${running === 1 ? '' : 's'} going` } : undefined;
  };
  updateActivity();

  context.subscriptions.push(
    log,
    validator,
    manager,
    index,
    presenter,
    diagnostics,
    tree,
    treeView,
    lenses,
    outcomes,
    ...commands.register(),
    ...new TreeCommands(tree, treeView).register(),
    sweeps,
    ...registerSweepCommands(sweeps, analyse),
    vscode.languages.registerCodeLensProvider(EXPERIMENT_SELECTOR, lenses),
    vscode.languages.registerCodeActionsProvider(EXPERIMENT_SELECTOR, new ReplacementQuickFixes(diagnostics), {
      providedCodeActionKinds: ReplacementQuickFixes.kinds,
    }),
    manager.onDidChangeJobs(updateActivity),
    onSettingsChanged(() => {
      settings = readSettings(fallbackRoot);
      index.setRunsDir(settings.runsDir);
      void sweeps.pollScheduler();
      manager.reschedule();
    }),
    // A finished run can make a cell that reuses it runnable: its warning goes.
    registerLiveValidation(diagnostics, validate, index.onDidChange),
  );
  // SLURM sweeps submitted earlier (or from a terminal) show their queue.
  void sweeps.pollScheduler();
  log.info(`Distillation Studio active; runs in ${settings.runsDir}; runner ${runnerPath}`);

  const api: DistillationStudioApi = {
    runs: () => index.runs(),
    onDidChangeRuns: index.onDidChange,
    onRunEvent: manager.onRunEvent,
  };
  if (context.extensionMode === vscode.ExtensionMode.Test)
    api.testing = {
      manager,
      index,
      tree,
      commands,
      settings: () => settings,
      inlineOutcomes: (uri) => outcomes.shown(uri),
      liveProgress: () => presenter.shown(),
      comparison: () => comparePanel.delivered(),
      experimentPanels: () => experimentPanel.open(),
    };
  return api;
}

export function deactivate(): void {
  // Nothing beyond the context's disposables, which stop running jobs (SIGTERM, checkpoint kept).
}
