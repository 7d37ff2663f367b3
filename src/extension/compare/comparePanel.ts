// The run comparison panel: the selected runs side by side, refreshed as they progress.
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunEvent } from '../../protocol/events';
import type { CompareCommand, CompareNotification, CompareRunView, CompareViewModel } from '../../protocol/webview';
import { readEvents, readRun } from '../../engine/store/runStore';
import { compareRunOf } from '../../shared/compare/model';
import { COMMANDS } from '../commandIds';
import type { PanelDeps, RunEventMessage } from '../panelDeps';
import { saveExport } from '../panel/exportFile';
import { webviewHtml } from '../panel/html';

/** Events that change a comparison row. */
const ROW_EVENTS = new Set<RunEvent['type']>(['run-start', 'models', 'epoch', 'stage-end', 'summary', 'run-end']);
const REFRESH_DELAY_MS = 300;

/** A run's row, from its files. */
export function compareRunFromDisk(runDir: string): CompareRunView {
  const info = readRun(runDir);
  return compareRunOf({
    runDir,
    runId: info.runId,
    experiment: info.experiment,
    status: info.status,
    summary: info.summary,
    events: readEvents(runDir),
  });
}

export function compareTitle(runDirs: string[]): string {
  const experiments = [...new Set(runDirs.map((d) => path.basename(path.dirname(d))))];
  return experiments.length === 1 ? `Runs of ${experiments[0]}` : 'Run comparison';
}

export class ComparePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private runDirs: string[] = [];
  private ready = false;
  private disposed = false;
  private readonly dirty = new Set<string>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    readonly panel: vscode.WebviewPanel,
    runDirs: string[],
    deps: PanelDeps,
    extensionUri: vscode.Uri,
    private readonly openRun: ((runDir: string) => void) | undefined,
    private readonly onDisposed: () => void,
  ) {
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'compare', 'Run comparison');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: CompareCommand) => void this.onMessage(message)),
      panel.onDidDispose(() => this.dispose()),
      deps.onRunEvent((message) => this.onRunEvent(message)),
    );
    this.setRuns(runDirs);
  }

  setRuns(runDirs: string[]): void {
    this.runDirs = [...new Set(runDirs.map((d) => path.resolve(d)))];
    this.panel.title = compareTitle(this.runDirs);
    this.sendWhole();
  }

  reveal(): void {
    this.panel.reveal();
  }

  private sendWhole(): void {
    const view: CompareViewModel = { title: compareTitle(this.runDirs), runs: this.runDirs.map(compareRunFromDisk) };
    this.post({ type: 'compare/view', view });
  }

  private onRunEvent({ runDir, event }: RunEventMessage): void {
    const dir = path.resolve(runDir);
    if (!ROW_EVENTS.has(event.type) || !this.runDirs.includes(dir)) return;
    this.dirty.add(dir);
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      for (const d of this.dirty) this.post({ type: 'compare/run', run: compareRunFromDisk(d) });
      this.dirty.clear();
    }, REFRESH_DELAY_MS);
  }

  private async onMessage(message: CompareCommand): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.sendWhole();
        break;
      case 'openRun':
        if (!this.runDirs.includes(path.resolve(message.runDir))) return;
        if (this.openRun) this.openRun(message.runDir);
        else void vscode.commands.executeCommand(COMMANDS.showPanel, { runDir: message.runDir });
        break;
      case 'export':
        this.post(await saveExport(message));
        break;
    }
  }

  private post(message: CompareNotification): void {
    if (!this.disposed && this.ready) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
    this.onDisposed();
  }
}
