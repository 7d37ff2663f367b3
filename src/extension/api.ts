// What activate() returns. Other extensions get a small, stable surface: the runs in the store and
// the live events of the runs this window starts. The integration tests, which run the extension in
// test mode, also get its parts (`testing`); nobody else does.
import type * as vscode from 'vscode';
import type { CompareViewModel, PanelTarget } from '../protocol/webview';
import type { RunInfo } from '../engine/store/runStore';
import type { Commands } from './commands';
import type { Settings } from './config';
import type { RunEventMessage } from './panelDeps';
import type { RunIndex } from './runs/runIndex';
import type { RunManager } from './runs/runManager';
import type { RunsTreeProvider } from './tree/runsTree';

export interface DistillationStudioApi {
  /** The runs in the run store, newest first, as last read (the same list as the Runs view). */
  runs(): readonly RunInfo[];
  /** Fires when the list of runs or the state of one changes. */
  onDidChangeRuns: vscode.Event<void>;
  /** Every event of every run this window started, as the runner emits it. */
  onRunEvent: vscode.Event<RunEventMessage>;
  /** Present only when the extension runs in test mode (ExtensionMode.Test). */
  testing?: TestingHooks;
}

/** The extension's parts, for its own integration tests. */
export interface TestingHooks {
  manager: RunManager;
  index: RunIndex;
  tree: RunsTreeProvider;
  commands: Commands;
  settings(): Settings;
  /** The outcome texts drawn after the experiments of a visible document, by 0-based line. */
  inlineOutcomes(uri: vscode.Uri): { line: number; text: string }[];
  /** What the progress notification and status-bar item of each running job say now. */
  liveProgress(): { jobId: number; text: string }[];
  /** The comparison view model last delivered to the comparison's webview (after it announced ready). */
  comparison(): CompareViewModel | undefined;
  /** The open experiment panels: tab title, target and the run each follows. */
  experimentPanels(): { title: string; target: PanelTarget; runDir?: string }[];
}
