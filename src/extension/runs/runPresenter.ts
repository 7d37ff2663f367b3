// How runs show up while they go: a cancellable progress notification and a status-bar item per
// running run, and a notification at the end (results, or the log when something broke).
import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds';
import { trainsAlone } from '../../shared/modelLabels';
import { keyMetrics, progressText } from '../text';
import type { RunJob, RunManager, RunOutcome } from './runManager';

/** At most this often a live display is redrawn (steps can arrive every few milliseconds). */
const REDRAW_MS = 250;

interface Live {
  item: vscode.StatusBarItem;
  report?: (message: string) => void;
  lastText?: string;
}

export class RunPresenter implements vscode.Disposable {
  private readonly live = new Map<number, Live>();
  private readonly disposables: vscode.Disposable[] = [];
  private redrawTimer?: NodeJS.Timeout;

  constructor(private readonly manager: RunManager, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      manager.onDidStart((job) => this.onStart(job)),
      manager.onDidChange(() => this.scheduleRedraw()),
      manager.onDidEnd((outcome) => this.onEnd(outcome)),
    );
  }

  private onStart(job: RunJob): void {
    const item = vscode.window.createStatusBarItem(`distillationStudio.run.${job.id}`, vscode.StatusBarAlignment.Left, 50);
    item.name = `Distillation run: ${job.label}`;
    const live: Live = { item };
    this.live.set(job.id, live);
    this.draw(job, live);
    item.show();
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Distilling ${job.label}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => this.manager.stop(job.id));
        live.report = (message) => progress.report({ message });
        live.report(progressText(job.progress, job.loss, job.alone));
        return job.finished;
      },
    );
  }

  private scheduleRedraw(): void {
    if (this.redrawTimer) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      for (const job of this.manager.active()) {
        const live = this.live.get(job.id);
        if (live) this.draw(job, live);
      }
    }, REDRAW_MS);
  }

  private draw(job: RunJob, live: Live): void {
    const text = progressText(job.progress, job.loss, job.alone);
    if (text === live.lastText) return;
    live.lastText = text;
    live.item.text = `$(sync~spin) ${job.label} · ${text}`;
    live.item.tooltip = `${job.label}: ${text}\nClick to open the experiment panel`;
    live.item.command = job.runDir
      ? { title: 'Show Experiment Panel', command: COMMANDS.showPanel, arguments: [{ runDir: job.runDir }] }
      : undefined;
    live.report?.(text);
  }

  /** What each running job's progress notification and status-bar item say now (tests read it). */
  shown(): { jobId: number; text: string }[] {
    return [...this.live.entries()].flatMap(([jobId, live]) =>
      live.lastText === undefined ? [] : [{ jobId, text: live.lastText }],
    );
  }

  private onEnd(outcome: RunOutcome): void {
    const live = this.live.get(outcome.job.id);
    live?.item.dispose();
    this.live.delete(outcome.job.id);
    void this.notify(outcome);
  }

  private async notify(outcome: RunOutcome): Promise<void> {
    const { job, runDir } = outcome;
    const name = job.label;
    switch (outcome.status) {
      case 'done': {
        // A teacher cell's product is a teacher: its stored config tells, else its summary (students only, no reference).
        const metrics = keyMetrics(outcome.summary, job.alone ?? trainsAlone(undefined, outcome.summary));
        const choice = await vscode.window.showInformationMessage(`${name}: done${metrics ? ` · ${metrics}` : ''}`, ...(runDir ? ['Show Results'] : []));
        if (choice === 'Show Results' && runDir) await vscode.commands.executeCommand(COMMANDS.showPanel, { runDir });
        return;
      }
      case 'stopped': {
        const choice = await vscode.window.showInformationMessage(`${name}: stopped; its last checkpoint was kept.`, ...(runDir ? ['Resume'] : []));
        if (choice === 'Resume' && runDir) await vscode.commands.executeCommand(COMMANDS.resume, { runDir });
        return;
      }
      case 'cancelled':
        this.log.info(`[${name}] ${outcome.message ?? 'cancelled'}`);
        return;
      case 'invalid':
      case 'failed':
      case 'crashed': {
        const what = outcome.status === 'crashed' ? `the runner stopped unexpectedly (${outcome.message ?? 'unknown reason'})` : `${outcome.status === 'invalid' ? 'invalid experiment' : 'failed'}: ${outcome.message ?? ''}`;
        const actions = ['Show Log', ...(outcome.status === 'crashed' && runDir ? ['Resume'] : [])];
        const choice = await vscode.window.showErrorMessage(`${name}: ${what}`, ...actions);
        if (choice === 'Show Log') this.log.show(true);
        if (choice === 'Resume' && runDir) await vscode.commands.executeCommand(COMMANDS.resume, { runDir });
        return;
      }
    }
  }

  dispose(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    for (const live of this.live.values()) live.item.dispose();
    this.live.clear();
    for (const d of this.disposables) d.dispose();
  }
}
