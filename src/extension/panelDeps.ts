// What the experiment and comparison panels receive from the host: where runs live, the live
// event stream of runs the host is handling, and how to start the runner (for `--describe`).
import type * as vscode from 'vscode';
import type { RunEvent } from '../protocol/events';

export type { PanelTarget } from '../protocol/webview';

export interface RunEventMessage {
  /** Absolute folder of the run the event belongs to. */
  runDir: string;
  event: RunEvent;
}

export interface PanelDeps {
  /** The absolute runs directory (follows the setting). */
  runsDir(): string;
  /** Every event of every run the host started, as it arrives from the runner. */
  onRunEvent: vscode.Event<RunEventMessage>;
  /** Absolute path of dist/runner.js. */
  runnerPath: string;
  /** The Node executable to run the runner with (the editor's own when none is configured). */
  nodePath(): string;
  /**
   * The environment to spawn the runner with. Needed with the editor's own executable: desktop
   * VS Code's Electron only behaves as Node with ELECTRON_RUN_AS_NODE=1.
   */
  runnerEnv(): NodeJS.ProcessEnv;
  /** Logs what a panel ignored (a webview message that does not fit the contract). */
  warn(message: string): void;
}
