// The experiment panel: `registerExperimentPanel` returns `show(target)` (one panel per experiment:
// opening another run of an experiment whose panel is open switches that panel to the run) and
// registers the serializer that reopens panels after a reload from the state the webview saved
// (its target and view choices).
import * as vscode from 'vscode';
import { EXPERIMENT_PANEL_VIEW_TYPE, type PanelTarget } from '../../protocol/webview';
import type { PanelDeps } from '../panelDeps';
import { ExperimentPanel, targetKey, titleOf } from './experimentPanel';
import { webviewOptions } from './html';
import { registerPanelRestore } from '../panelHost';

/** What callers may pass: the protocol's target, or the same without its `kind`. */
export type ShowTarget = PanelTarget | { file: string; cell?: string } | { runDir: string };

export interface ExperimentPanels {
  show(target: ShowTarget): void;
  /** The open panels: their tab title, what they show and the run they follow. */
  open(): { title: string; target: PanelTarget; runDir?: string }[];
}

export function normalizeTarget(target: ShowTarget): PanelTarget {
  if ('runDir' in target) return { kind: 'run', runDir: target.runDir };
  return target.cell === undefined
    ? { kind: 'file', file: target.file }
    : { kind: 'file', file: target.file, cell: target.cell };
}

/** The target in a state saved by the webview, if it is well formed. */
export function targetFromState(state: unknown): PanelTarget | undefined {
  const target = (state as { target?: unknown } | undefined)?.target as Record<string, unknown> | undefined;
  if (!target || typeof target !== 'object') return undefined;
  if (target.kind === 'run' && typeof target.runDir === 'string') return { kind: 'run', runDir: target.runDir };
  if (target.kind === 'file' && typeof target.file === 'string') {
    return typeof target.cell === 'string'
      ? { kind: 'file', file: target.file, cell: target.cell }
      : { kind: 'file', file: target.file };
  }
  return undefined;
}

export function registerExperimentPanel(context: vscode.ExtensionContext, deps: PanelDeps): ExperimentPanels {
  const panels = new Map<string, ExperimentPanel>();
  const adopt = (panel: vscode.WebviewPanel, target: PanelTarget): ExperimentPanel => {
    const key = targetKey(target);
    const controller = new ExperimentPanel(panel, target, deps, context.extensionUri, (gone) => {
      if (panels.get(key) === gone) panels.delete(key);
    });
    panels.set(key, controller);
    return controller;
  };

  context.subscriptions.push(
    registerPanelRestore(context, EXPERIMENT_PANEL_VIEW_TYPE, (panel, state) => {
      const target = targetFromState(state);
      if (!target) return false;
      panels.get(targetKey(target))?.dispose();
      adopt(panel, target);
      return true;
    }),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  );

  return {
    show(input: ShowTarget): void {
      const target = normalizeTarget(input);
      const existing = panels.get(targetKey(target));
      if (existing) {
        if (target.kind === 'run') existing.showRun(target.runDir);
        else existing.reveal();
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        EXPERIMENT_PANEL_VIEW_TYPE,
        titleOf(target),
        vscode.ViewColumn.Beside,
        webviewOptions(context.extensionUri),
      );
      adopt(panel, target);
    },
    open() {
      return [...panels.values()].map((p) => ({ title: p.title, target: p.target, runDir: p.runDir }));
    },
  };
}
