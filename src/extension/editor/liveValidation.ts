// Keeps an experiment's diagnostics on its live text: revalidates as it is typed (after a short
// pause), when it is opened or saved, and when a file with shown problems changes on disk, so
// problems disappear as soon as the text is valid rather than at the next save.
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { Problem } from '../../engine/config';
import type { ExperimentDiagnostics } from './diagnostics';
import { isExperimentDocument } from './outcomeDecorations';

const TYPING_PAUSE_MS = 300;

/** Validates a file's text (off the host thread); the extension's validator service. */
export type Validate = (file: string, text: string) => Promise<Problem[]>;

export function registerLiveValidation(
  diagnostics: ExperimentDiagnostics,
  validate: Validate,
  runsChanged: vscode.Event<unknown>,
): vscode.Disposable {
  const pending = new Map<string, NodeJS.Timeout>();
  // Only the latest answer for a file is shown (answers may come back out of order).
  const latest = new Map<string, number>();
  let generation = 0;
  const publish = (file: string, text: string) => {
    const mine = ++generation;
    latest.set(file, mine);
    void validate(file, text).then((problems) => {
      if (latest.get(file) === mine) diagnostics.set(file, problems);
    });
  };
  const validateDocument = (document: vscode.TextDocument) => {
    if (!isExperimentDocument(document)) return;
    const file = document.uri.fsPath;
    clearTimeout(pending.get(file));
    pending.delete(file);
    publish(file, document.getText());
  };
  const later = (document: vscode.TextDocument) => {
    if (!isExperimentDocument(document)) return;
    const file = document.uri.fsPath;
    clearTimeout(pending.get(file));
    pending.set(
      file,
      setTimeout(() => validateDocument(document), TYPING_PAUSE_MS),
    );
  };
  // A file not open in an editor (validated when a run was asked for) is read again from disk.
  const onDisk = (uri: vscode.Uri) => {
    const file = uri.fsPath;
    if (!diagnostics.files().includes(file)) return;
    const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    if (document) return later(document);
    fs.promises.readFile(file, 'utf8').then(
      (text) => publish(file, text),
      () => diagnostics.clear(file),
    );
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.kd.json');
  const subscriptions = [
    watcher,
    watcher.onDidChange(onDisk),
    watcher.onDidCreate(onDisk),
    watcher.onDidDelete((uri) => diagnostics.clear(uri.fsPath)),
    vscode.workspace.onDidChangeTextDocument((event) => later(event.document)),
    // Whether a reused cell has a finished run is part of the problems.
    runsChanged(() => vscode.workspace.textDocuments.forEach(later)),
    vscode.workspace.onDidSaveTextDocument(validateDocument),
    vscode.workspace.onDidOpenTextDocument(validateDocument),
    // Granting trust lifts the Restricted Mode problems (files outside the workspace may now be read).
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.textDocuments.forEach(validateDocument)),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (!isExperimentDocument(document)) return;
      clearTimeout(pending.get(document.uri.fsPath));
      pending.delete(document.uri.fsPath);
      latest.delete(document.uri.fsPath);
      diagnostics.clear(document.uri.fsPath);
    }),
  ];
  for (const document of vscode.workspace.textDocuments) validateDocument(document);
  return vscode.Disposable.from(...subscriptions, { dispose: () => pending.forEach((t) => clearTimeout(t)) });
}
