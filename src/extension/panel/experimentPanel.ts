// One experiment panel: owns its webview, the architecture from `--describe`, and the run it
// follows. For a file or cell it shows the newest run of that experiment and switches to a new one
// as soon as it starts; for a stored run it shows that run. Events are read from the run's
// events.jsonl (the single source, so nothing is shown twice): the host's live event stream and,
// for a run still going that this window did not start (after a reload, or from the CLI), a poll
// tell it when to read.
import * as path from 'path';
import * as vscode from 'vscode';
import type { ModelsEvent, RunEvent } from '../../protocol/events';
import type { PanelCommand, PanelNotification, PanelTarget } from '../../protocol/webview';
import { readRun } from '../../engine/store/runStore';
import { emptyView, reduceAll, withDescribe, withDescribedModels } from '../../shared/panel/model';
import { panelTitle } from '../../shared/panelTitle';
import { checkPanelCommand } from '../../protocol/webviewMessages';
import type { PanelDeps, RunEventMessage } from '../panelDeps';
import { describeExperiment, type DescribeCall } from './describe';
import { RESTRICTED_DESCRIBE_MESSAGE } from '../validation/trust';
import { EventsTail } from './eventsTail';
import { saveExport } from './exportFile';
import { PanelHost } from '../panelHost';
import { findLayer } from './layerLocation';
import { newestRunOf, sameExperiment } from './runLookup';

/** How often a followed run still going is re-read when no live event says so. */
const POLL_MS = 1000;
/** Live events arrive in bursts: read the file once per burst. */
const READ_DELAY_MS = 40;

/** The experiment (file and cell) a target shows: a run's comes from its recorded configuration. */
export function experimentOf(target: PanelTarget): { file: string; cell?: string } | undefined {
  if (target.kind === 'file') return { file: target.file, cell: target.cell };
  const run = readRun(target.runDir);
  const file = run.config?.sourceFile ?? run.summary?.sourceFile;
  return file ? { file, cell: run.config?.cell ?? run.summary?.cell } : undefined;
}

/**
 * One panel per experiment: the key of the experiment a target shows (a run without a recorded
 * source file has its own).
 */
export function targetKey(target: PanelTarget): string {
  const source = experimentOf(target);
  return source
    ? `file:${path.resolve(source.file)}#${source.cell ?? ''}`
    : `run:${path.resolve((target as { runDir: string }).runDir)}`;
}

/** The panel's title, one format for files, cells and runs, before and after a reload: "<file> · <cell>". */
export function titleOf(target: PanelTarget): string {
  const source = experimentOf(target);
  return panelTitle(source ? { kind: 'file', ...source } : target);
}

export class ExperimentPanel extends PanelHost<PanelCommand, PanelNotification> {
  private tail?: EventsTail;
  private running = false;
  private described?: ModelsEvent;
  private describeError?: string;
  private describeCall?: DescribeCall;
  private readTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;

  private current: PanelTarget;

  constructor(
    panel: vscode.WebviewPanel,
    target: PanelTarget,
    private readonly deps: PanelDeps,
    extensionUri: vscode.Uri,
    private readonly onDisposed: (panel: ExperimentPanel) => void,
  ) {
    super(panel, extensionUri, 'panel', titleOf(target), checkPanelCommand, (message) => deps.warn(message));
    this.current = target;
    this.disposables.push(deps.onRunEvent((message) => this.onRunEvent(message)));
    this.follow(this.initialRunDir());
    if (target.kind === 'file') {
      const { file, cell } = target;
      this.describe(file, cell);
      // The architecture follows the file: describe it again whenever it is saved.
      this.disposables.push(
        vscode.workspace.onDidSaveTextDocument((document) => {
          if (path.resolve(document.uri.fsPath) === path.resolve(file)) this.describe(file, cell);
        }),
      );
    }
    this.pollTimer = setInterval(() => {
      if (this.running) this.readNow();
    }, POLL_MS);
  }

  /** What the panel shows now: its experiment, or one run of it. */
  get target(): PanelTarget {
    return this.current;
  }

  /** The tab's title. */
  get title(): string {
    return this.panel.title;
  }

  /** The run folder whose events the panel shows, if any. */
  get runDir(): string | undefined {
    return this.tail?.runDir;
  }

  /** Switches the panel to another run of its experiment (the tree opened it) and brings it forward. */
  showRun(runDir: string): void {
    this.current = { kind: 'run', runDir };
    if (!this.tail || path.resolve(this.tail.runDir) !== path.resolve(runDir)) {
      this.follow(runDir);
      this.sendWhole();
    }
    this.reveal();
  }

  private initialRunDir(): string | undefined {
    if (this.target.kind === 'run') return this.target.runDir;
    return newestRunOf(this.deps.runsDir(), this.target.file, this.target.cell)?.dir;
  }

  private follow(runDir: string | undefined): void {
    this.tail = runDir ? new EventsTail(runDir) : undefined;
    this.running = runDir ? readRun(runDir).status === 'running' : false;
  }

  private describe(file: string, cell: string | undefined): void {
    this.describeCall?.cancel();
    if (!vscode.workspace.isTrusted) {
      // No describe child starts in Restricted Mode; the panel says why.
      this.describeCall = undefined;
      this.describeError = RESTRICTED_DESCRIBE_MESSAGE;
      this.post({ type: 'panel/describe', describe: { status: 'error', message: this.describeError } });
      return;
    }
    const call = describeExperiment(this.deps, file, cell);
    this.describeCall = call;
    this.post({ type: 'panel/describe', describe: { status: 'pending' } });
    call.result.then(
      (event) => {
        if (this.describeCall !== call || this.disposed) return;
        this.described = event;
        this.describeError = undefined;
        this.sendWhole();
      },
      (error: unknown) => {
        if (this.describeCall !== call || this.disposed) return;
        this.describeError = error instanceof Error ? error.message : String(error);
        this.post({ type: 'panel/describe', describe: { status: 'error', message: this.describeError } });
      },
    );
  }

  /** The whole view: the describe output, then every event of the followed run. */
  private sendWhole(): void {
    if (!this.ready) return;
    let view = emptyView(this.target, titleOf(this.target));
    if (this.described) view = withDescribedModels(view, this.described);
    else if (this.describeError) view = withDescribe(view, { status: 'error', message: this.describeError });
    else if (this.describeCall) view = withDescribe(view, { status: 'pending' });
    if (this.tail) {
      this.tail.reset();
      const events = this.tail.read();
      view = reduceAll(view, events);
      view = { ...view, run: view.run ? { ...view.run, runDir: this.tail.runDir } : view.run };
      this.noteEnd(events);
    }
    this.post({ type: 'panel/view', view });
  }

  private noteEnd(events: RunEvent[]): void {
    for (const event of events) {
      if (event.type === 'run-start') this.running = true;
      if (event.type === 'run-end') this.running = false;
    }
  }

  private readNow(): void {
    if (!this.tail || !this.ready) return;
    const events = this.tail.read();
    if (events.length === 0) return;
    this.noteEnd(events);
    this.post({ type: 'panel/events', events });
  }

  private scheduleRead(): void {
    if (this.readTimer) return;
    this.readTimer = setTimeout(() => {
      this.readTimer = undefined;
      this.readNow();
    }, READ_DELAY_MS);
  }

  private onRunEvent({ runDir, event }: RunEventMessage): void {
    if (this.tail && path.resolve(runDir) === path.resolve(this.tail.runDir)) {
      this.running = event.type !== 'run-end';
      this.scheduleRead();
      return;
    }
    // A new run of the experiment this panel shows: follow it from its first event.
    if (
      this.target.kind === 'file' &&
      event.type === 'run-start' &&
      sameExperiment(event, this.target.file, this.target.cell)
    ) {
      this.follow(runDir);
      this.running = true;
      this.sendWhole();
    }
  }

  protected onReady(): void {
    this.sendWhole();
  }

  protected async onMessage(message: Exclude<PanelCommand, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'revealLayer':
        await this.revealLayer(message.stage, message.layer, message.index);
        break;
      case 'export':
        this.post(await saveExport(message));
        break;
    }
  }

  /** The experiment file and cell this panel's architecture comes from. */
  private source(): { file: string; cell?: string } | undefined {
    return experimentOf(this.target);
  }

  private async revealLayer(stage: string, layer: string, index: number): Promise<void> {
    const source = this.source();
    if (!source) {
      void vscode.window.showInformationMessage(
        `The run does not say which experiment file it came from, so layer "${layer}" cannot be shown.`,
      );
      return;
    }
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(vscode.Uri.file(source.file));
    } catch {
      void vscode.window.showWarningMessage(`${source.file} could not be opened.`);
      return;
    }
    const location = findLayer(document.getText(), { cell: source.cell, stage, layer, index });
    if (!location) {
      void vscode.window.showInformationMessage(
        `Layer "${layer}" of the ${stage} is not declared in ${path.basename(source.file)} (it may come from a file the experiment extends).`,
      );
      return;
    }
    const range = new vscode.Range(
      document.positionAt(location.offset),
      document.positionAt(location.offset + location.length),
    );
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Selection(range.start, range.start),
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.selection = new vscode.Selection(range.start, range.end);
    if (!location.exact)
      void vscode.window.setStatusBarMessage(`Layer "${layer}" is built by this model specification`, 4000);
  }

  protected release(): void {
    this.describeCall?.cancel();
    if (this.readTimer) clearTimeout(this.readTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.onDisposed(this);
  }
}
