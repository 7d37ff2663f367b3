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
import { PanelHost } from '../panelHost';

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

export class ComparePanel extends PanelHost<CompareCommand, CompareNotification> {
  private runDirs: string[] = [];
  private readonly dirty = new Set<string>();
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    panel: vscode.WebviewPanel,
    runDirs: string[],
    deps: PanelDeps,
    extensionUri: vscode.Uri,
    private readonly openRun: ((runDir: string) => void) | undefined,
    private readonly onDisposed: () => void,
  ) {
    super(panel, extensionUri, 'compare', compareTitle(runDirs));
    this.disposables.push(deps.onRunEvent((message) => this.onRunEvent(message)));
    this.setRuns(runDirs);
  }

  setRuns(runDirs: string[]): void {
    this.runDirs = [...new Set(runDirs.map((d) => path.resolve(d)))];
    this.panel.title = compareTitle(this.runDirs);
    this.sendWhole();
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

  protected onReady(): void {
    this.sendWhole();
  }

  protected async onMessage(message: Exclude<CompareCommand, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
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

  protected release(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.onDisposed();
  }
}
