// VS Code's trust model applied to validation: in Restricted Mode nothing outside the workspace's
// folders is read (files named by `extends`, data files, saved models); the problems say why.
import * as vscode from 'vscode';
import type { ValidateRequest } from './protocol';

export function validationOptions(runsDir: string): ValidateRequest['options'] {
  if (vscode.workspace.isTrusted) return { runsDir };
  return { runsDir, confineTo: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath) };
}

/** Why something that reads the workspace's files does not start, for the editor to show. */
export const RESTRICTED_DESCRIBE_MESSAGE =
  "The architecture is not shown in Restricted Mode: describing it builds the models from the workspace's files. Trust the workspace to see it.";
