// The run comparison panel: reads the runs of its source (chosen runs, an experiment or a sweep),
// pushes the whole view model once, then only the runs that changed (with the groups recomputed)
// as runs progress, whether this window, another one, the CLI or a cluster writes them.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunEvent } from '../../protocol/events';
import type {
  CompareCommand,
  CompareNotification,
  CompareSource,
  CompareViewModel,
  ConfigScalar,
} from '../../protocol/webview';
import { META_FILE } from '../../engine/store/runMeta';
import { COMMANDS } from '../commandIds';
import { checkCompareCommand } from '../../protocol/webviewMessages';
import type { PanelDeps, RunEventMessage } from '../panelDeps';
import { saveExport } from '../panel/exportFile';
import { PanelHost } from '../panelHost';
import { runsOfExperiment } from '../panel/runLookup';
import { hostRunFromDisk, type HostRun } from './runRow';
import { buildCompareView, compareTitle } from './viewModel';
import { editRunMeta } from './runMetaInput';

/** Events that change a comparison row. */
const ROW_EVENTS = new Set<RunEvent['type']>(['run-start', 'models', 'epoch', 'stage-end', 'summary', 'run-end']);
const REFRESH_DELAY_MS = 300;

/** What tells a run's files apart from their last reading, without reading them. */
function signature(runDir: string): string {
  return ['events.jsonl', 'summary.json', META_FILE]
    .map((f) => {
      try {
        const s = fs.statSync(path.join(runDir, f));
        return `${s.size}:${s.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

export interface CompareStore {
  /** Fires when files under the runs directory change. */
  onDidChange: vscode.Event<void>;
}

export class ComparePanel extends PanelHost<CompareCommand, CompareNotification> {
  private source: CompareSource = { runDirs: [] };
  private runs = new Map<string, HostRun>();
  private signatures = new Map<string, string>();
  private keysSignature = '';
  private readonly dirty = new Set<string>();
  private rescan = false;
  private refreshTimer?: NodeJS.Timeout;

  constructor(
    panel: vscode.WebviewPanel,
    source: CompareSource,
    private readonly deps: PanelDeps,
    extensionUri: vscode.Uri,
    private readonly openRun: ((runDir: string) => void) | undefined,
    store: CompareStore | undefined,
    private readonly onDisposed: () => void,
  ) {
    super(panel, extensionUri, 'compare', 'Run comparison', checkCompareCommand, (message) => deps.warn(message));
    this.disposables.push(deps.onRunEvent((message) => this.onRunEvent(message)));
    if (store) this.disposables.push(store.onDidChange(() => this.schedule(true)));
    this.setSource(source);
  }

  setSource(source: CompareSource): void {
    this.source = source;
    this.runs = new Map();
    this.signatures.clear();
    for (const dir of this.sourceDirs()) this.read(dir);
    this.panel.title = compareTitle([...this.runs.values()]);
    this.sendWhole();
  }

  /** The run folders the source holds now. */
  private sourceDirs(): string[] {
    if ('runDirs' in this.source) return [...new Set(this.source.runDirs.map((d) => path.resolve(d)))];
    const { experiment } = this.source;
    const sweepId = 'sweepId' in this.source ? this.source.sweepId : undefined;
    return runsOfExperiment(this.deps.runsDir(), experiment)
      .filter((r) => !sweepId || (r.config as { sweep?: { id?: string } } | undefined)?.sweep?.id === sweepId)
      .map((r) => path.resolve(r.dir))
      .reverse();
  }

  private read(dir: string): void {
    try {
      this.runs.set(dir, hostRunFromDisk(dir));
      this.signatures.set(dir, signature(dir));
    } catch {
      this.runs.delete(dir);
    }
  }

  private sendWhole(): void {
    const view = buildCompareView([...this.runs.values()]);
    this.keysSignature = JSON.stringify(view.configKeys);
    this.post({ type: 'compare/view', view: { ...view, source: this.source } });
  }

  private onRunEvent({ runDir, event }: RunEventMessage): void {
    const dir = path.resolve(runDir);
    if (!ROW_EVENTS.has(event.type)) return;
    if (this.runs.has(dir)) this.dirty.add(dir);
    else if (event.type === 'run-start' && !('runDirs' in this.source)) this.rescan = true;
    else return;
    this.schedule(false);
  }

  private schedule(rescan: boolean): void {
    this.rescan ||= rescan;
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.flush();
    }, REFRESH_DELAY_MS);
  }

  /** Re-reads what changed and sends only those runs, unless the set of config columns changed. */
  private flush(): void {
    const changed = new Set(this.dirty);
    this.dirty.clear();
    if (this.rescan) {
      this.rescan = false;
      const dirs = this.sourceDirs();
      const wanted = new Set(dirs);
      let removed = false;
      for (const dir of [...this.runs.keys()])
        if (!wanted.has(dir)) {
          this.runs.delete(dir);
          removed = true;
        }
      for (const dir of dirs) if (!this.runs.has(dir) || this.signatures.get(dir) !== signature(dir)) changed.add(dir);
      if (removed) {
        for (const dir of changed) this.read(dir);
        this.sendWhole();
        return;
      }
    }
    if (changed.size === 0) return;
    for (const dir of changed) this.read(dir);
    const view = buildCompareView([...this.runs.values()]);
    const keys = JSON.stringify(view.configKeys);
    if (keys !== this.keysSignature) {
      this.keysSignature = keys;
      this.post({ type: 'compare/view', view: { ...view, source: this.source } });
      return;
    }
    this.post({
      type: 'compare/update',
      runs: view.runs.filter((r) => changed.has(r.runDir)),
      groups: view.groups,
      configKeys: view.configKeys,
    });
  }

  protected onReady(): void {
    this.sendWhole();
  }

  protected async onMessage(message: Exclude<CompareCommand, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'openRun':
        if (!this.runs.has(path.resolve(message.runDir))) return;
        if (this.openRun) this.openRun(message.runDir);
        else void vscode.commands.executeCommand(COMMANDS.showPanel, { runDir: message.runDir });
        break;
      case 'diff': {
        const a = this.runs.get(path.resolve(message.a));
        const b = this.runs.get(path.resolve(message.b));
        if (!a || !b) return;
        const side = (r: HostRun) => ({
          runDir: r.view.runDir,
          label: r.view.name ?? `${r.view.experiment} · ${r.view.runId}`,
          config: r.config as Record<string, ConfigScalar>,
        });
        this.post({ type: 'compare/diff', diff: { a: side(a), b: side(b) } });
        break;
      }
      case 'editMeta': {
        const dir = path.resolve(message.runDir);
        const run = this.runs.get(dir);
        if (!run) return;
        const edited = await editRunMeta(dir, message.field, run.view);
        if (edited) {
          this.dirty.add(dir);
          this.schedule(false);
        }
        break;
      }
      case 'export':
        this.post(await saveExport(message));
        break;
    }
  }

  /** The view model the webview holds: the last whole view with the updates since folded in. */
  delivered?: CompareViewModel;

  protected override post(message: CompareNotification): void {
    if (this.disposed || !this.ready) return;
    void this.panel.webview.postMessage(message).then((ok) => {
      if (!ok) return;
      if (message.type === 'compare/view') this.delivered = message.view;
      else if (message.type === 'compare/update' && this.delivered) {
        const changed = new Map(message.runs.map((r) => [r.runDir, r]));
        const kept = this.delivered.runs.map((r) => changed.get(r.runDir) ?? r);
        const added = message.runs.filter((r) => !this.delivered?.runs.some((k) => k.runDir === r.runDir));
        this.delivered = {
          ...this.delivered,
          runs: [...kept, ...added],
          groups: message.groups,
          configKeys: message.configKeys,
        };
      }
    });
  }

  protected release(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.onDisposed();
  }
}
