// The run comparison: `registerComparePanel` returns `show(runDirs)` (or `show({ experiment })`
// for every run of an experiment) and registers the serializer that reopens it after a reload.
import * as vscode from 'vscode';
import { COMPARE_PANEL_VIEW_TYPE } from '../../protocol/webview';
import type { PanelDeps } from '../panelDeps';
import { webviewOptions } from '../panel/html';
import { runsOfExperiment } from '../panel/runLookup';
import { ComparePanel } from './comparePanel';
import { registerPanelRestore } from '../panelHost';

export interface ComparePanels {
  show(runs: string[] | { experiment: string }): void;
}

export interface CompareOptions {
  /** Opens a run in the experiment panel (the row's experiment link). */
  openRun?(runDir: string): void;
}

export function runDirsFromState(state: unknown): string[] {
  const dirs = (state as { runDirs?: unknown } | undefined)?.runDirs;
  return Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string') : [];
}

export function registerComparePanel(
  context: vscode.ExtensionContext,
  deps: PanelDeps,
  options: CompareOptions = {},
): ComparePanels {
  let current: ComparePanel | undefined;
  const adopt = (panel: vscode.WebviewPanel, runDirs: string[]): ComparePanel => {
    const controller = new ComparePanel(panel, runDirs, deps, context.extensionUri, options.openRun, () => {
      if (current === controller) current = undefined;
    });
    current = controller;
    return controller;
  };

  context.subscriptions.push(
    registerPanelRestore(context, COMPARE_PANEL_VIEW_TYPE, (panel, state) => {
      current?.dispose();
      adopt(panel, runDirsFromState(state));
      return true;
    }),
    { dispose: () => current?.dispose() },
  );

  return {
    show(runs): void {
      const runDirs = Array.isArray(runs) ? runs : runsOfExperiment(deps.runsDir(), runs.experiment).map((r) => r.dir);
      if (current) {
        current.setRuns(runDirs);
        current.reveal();
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        COMPARE_PANEL_VIEW_TYPE,
        'Run comparison',
        vscode.ViewColumn.Active,
        webviewOptions(context.extensionUri),
      );
      adopt(panel, runDirs);
    },
  };
}
