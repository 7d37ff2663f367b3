// The run comparison: `registerComparePanel` returns `show(source)` (chosen runs, every run of an
// experiment, or every run of a sweep) and registers the serializer that reopens it after a reload.
import * as vscode from 'vscode';
import { COMPARE_PANEL_VIEW_TYPE, type CompareSource, type CompareViewModel } from '../../protocol/webview';
import type { PanelDeps } from '../panelDeps';
import { webviewOptions } from '../panel/html';
import { ComparePanel, type CompareStore } from './comparePanel';
import { registerPanelRestore } from '../panelHost';

export interface ComparePanels {
  show(source: string[] | CompareSource): void;
  /** The view model the open comparison's webview last received, with the live updates folded in. */
  delivered(): CompareViewModel | undefined;
}

export interface CompareOptions {
  /** Opens a run in the experiment panel (the row's experiment link). */
  openRun?(runDir: string): void;
  /** The run store's change events, so runs written by the CLI or a cluster show up live. */
  store?: CompareStore;
}

/** The source a reloaded panel had (its webview state), tolerating older states that only kept run folders. */
export function sourceFromState(state: unknown): CompareSource {
  const s = (typeof state === 'object' && state !== null ? state : {}) as { source?: unknown; runDirs?: unknown };
  const source = s.source as Record<string, unknown> | undefined;
  if (source && typeof source.experiment === 'string')
    return typeof source.sweepId === 'string'
      ? { experiment: source.experiment, sweepId: source.sweepId }
      : { experiment: source.experiment };
  const dirs = Array.isArray(source?.runDirs) ? source.runDirs : s.runDirs;
  return { runDirs: Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string') : [] };
}

export function runDirsFromState(state: unknown): string[] {
  const source = sourceFromState(state);
  return 'runDirs' in source ? source.runDirs : [];
}

export function registerComparePanel(
  context: vscode.ExtensionContext,
  deps: PanelDeps,
  options: CompareOptions = {},
): ComparePanels {
  let current: ComparePanel | undefined;
  const adopt = (panel: vscode.WebviewPanel, source: CompareSource): ComparePanel => {
    const controller = new ComparePanel(
      panel,
      source,
      deps,
      context.extensionUri,
      options.openRun,
      options.store,
      () => {
        if (current === controller) current = undefined;
      },
    );
    current = controller;
    return controller;
  };

  context.subscriptions.push(
    registerPanelRestore(context, COMPARE_PANEL_VIEW_TYPE, (panel, state) => {
      current?.dispose();
      adopt(panel, sourceFromState(state));
      return true;
    }),
    { dispose: () => current?.dispose() },
  );

  return {
    delivered: () => current?.delivered,
    show(runs): void {
      const source: CompareSource = Array.isArray(runs) ? { runDirs: runs } : runs;
      if (current) {
        current.setSource(source);
        current.reveal();
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        COMPARE_PANEL_VIEW_TYPE,
        'Run comparison',
        vscode.ViewColumn.Active,
        webviewOptions(context.extensionUri),
      );
      adopt(panel, source);
    },
  };
}
