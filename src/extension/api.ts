// What activate() returns: the extension's parts, for the integration tests and for other
// extensions that want to observe runs.
import type * as vscode from 'vscode';
import type { CompareViewModel } from '../protocol/webview';
import type { Commands } from './commands';
import type { Settings } from './config';
import type { RunIndex } from './runs/runIndex';
import type { RunManager } from './runs/runManager';
import type { RunsTreeProvider } from './tree/runsTree';

export interface DistillationStudioApi {
  manager: RunManager;
  index: RunIndex;
  tree: RunsTreeProvider;
  commands: Commands;
  settings(): Settings;
  /** The outcome texts drawn after the experiments of a visible document, by 0-based line. */
  inlineOutcomes(uri: vscode.Uri): { line: number; text: string }[];
  /** The comparison view model last delivered to the comparison's webview (after it announced ready). */
  comparison(): CompareViewModel | undefined;
}
