// The run store as the views see it: re-read (debounced) when files under the runs directory
// change, whoever wrote them (this window, another window, the kd CLI).
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunInfo } from '../../engine/store/runStore';
import { RunCache } from './runCache';

const DEBOUNCE_MS = 300;

export class RunIndex implements vscode.Disposable {
  private readonly cache = new RunCache();
  private runsList: RunInfo[] = [];
  private watchers: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private dir: string;

  constructor(runsDir: string) {
    this.dir = runsDir;
    this.watch();
    this.refreshNow();
  }

  get runsDir(): string {
    return this.dir;
  }

  /** Every stored run, newest first. */
  runs(): RunInfo[] {
    return this.runsList;
  }

  find(runDir: string): RunInfo | undefined {
    const wanted = path.resolve(runDir);
    return this.runsList.find((r) => path.resolve(r.dir) === wanted);
  }

  setRunsDir(runsDir: string): void {
    if (path.resolve(runsDir) === path.resolve(this.dir)) return;
    this.dir = runsDir;
    this.watch();
    this.refreshNow();
  }

  /** Re-reads soon; bursts of file events collapse into one read. */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refreshNow(), DEBOUNCE_MS);
  }

  refreshNow(): RunInfo[] {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.runsList = this.cache.list(this.dir);
    this.changed.fire();
    return this.runsList;
  }

  private watch(): void {
    for (const w of this.watchers) w.dispose();
    // Inside a workspace folder the workspace's own watcher serves the pattern even before the
    // runs folder exists; elsewhere the folder itself is watched.
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(this.dir));
    const base: vscode.WorkspaceFolder | vscode.Uri = folder ?? vscode.Uri.file(this.dir);
    const prefix = folder ? path.relative(folder.uri.fsPath, this.dir).split(path.sep).join('/') : '';
    const glob = (rest: string) => (prefix ? `${prefix}/${rest}` : rest);
    const files = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, glob('**/{events.jsonl,summary.json}')));
    // Deleting a run folder reports the folder, not the files in it.
    const folders = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(base, glob('**')), true, true, false);
    const onEvent = () => this.refresh();
    this.watchers = [files, folders, files.onDidCreate(onEvent), files.onDidChange(onEvent), files.onDidDelete(onEvent), folders.onDidDelete(onEvent)];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers) w.dispose();
    this.changed.dispose();
  }
}
