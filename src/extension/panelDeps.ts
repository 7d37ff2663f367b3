// What the experiment and comparison panels receive from the host: where runs live, the live
// event stream of runs the host is handling, and how to start the runner (to describe an experiment).
import type * as vscode from 'vscode';
import type { RunEvent } from '../protocol/events';
import type { RunnerRequest } from '../protocol/runner';
import type { RunnerCommand } from './runs/runnerCommand';

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
  /** The command line of a runner for a request (the settings' Node, the bundled runner). */
  runnerCommand(request: RunnerRequest): RunnerCommand;
  /** Logs what a panel ignored (a webview message that does not fit the contract). */
  warn(message: string): void;
}
