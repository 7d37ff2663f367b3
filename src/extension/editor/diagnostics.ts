// Experiment problems in the Problems panel. A file's problems may point into another file (one
// named by `extends`), so diagnostics are grouped by the file each problem is in.
import * as vscode from 'vscode';
import type { Problem } from '../../engine/config';

export class ExperimentDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('distillationStudio');
  /** Which files' diagnostics came from validating which experiment file. */
  private readonly owned = new Map<string, Set<string>>();

  /** Replaces the diagnostics that came from validating `file` with these problems. */
  set(file: string, problems: readonly Problem[]): void {
    for (const other of this.owned.get(file) ?? []) this.collection.delete(vscode.Uri.file(other));
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const problem of problems) {
      const list = byFile.get(problem.file) ?? [];
      list.push(toDiagnostic(problem));
      byFile.set(problem.file, list);
    }
    for (const [target, diagnostics] of byFile) this.collection.set(vscode.Uri.file(target), diagnostics);
    this.owned.set(file, new Set([file, ...byFile.keys()]));
  }

  clear(file: string): void {
    this.set(file, []);
    this.owned.delete(file);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function toDiagnostic(problem: Problem): vscode.Diagnostic {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === problem.file);
  let range: vscode.Range;
  if (document) {
    range = new vscode.Range(
      document.positionAt(problem.offset),
      document.positionAt(problem.offset + Math.max(1, problem.length)),
    );
  } else {
    // Without the document, line and column place the start; the length is kept on that line.
    const start = new vscode.Position(Math.max(0, problem.line - 1), Math.max(0, problem.column - 1));
    range = new vscode.Range(start, start.translate(0, Math.max(1, problem.length)));
  }
  const diagnostic = new vscode.Diagnostic(
    range,
    problem.message,
    problem.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error,
  );
  diagnostic.source = 'Distillation Studio';
  diagnostic.code = problem.path;
  return diagnostic;
}
