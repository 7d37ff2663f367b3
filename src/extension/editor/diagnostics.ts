// Experiment problems in the Problems panel. A file's problems may point into another file (one
// named by `extends`), so diagnostics are grouped by the file each problem is in. One problem is
// shown once: where VS Code's own JSON checker (syntax, schema) already reports a problem at the
// same place in an open document, the engine's report of it is left out; it comes back when that
// checker stops reporting it (for instance when a `$schema` it cannot load switches its schema off).
import * as vscode from 'vscode';
import type { Problem } from '../../engine/config';

export const DIAGNOSTIC_SOURCE = 'Distillation Studio';

export class ExperimentDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('distillationStudio');
  /** The engine's problems, by the experiment file whose validation found them. */
  private readonly problems = new Map<string, readonly Problem[]>();
  /** What each target file shows now, to publish only changes (publishing fires the change event). */
  private readonly shown = new Map<string, string>();
  private readonly subscription = vscode.languages.onDidChangeDiagnostics((event) => {
    if (event.uris.some((uri) => this.shown.has(uri.fsPath))) this.publish();
  });

  /** Replaces the diagnostics that came from validating `file` with these problems. */
  set(file: string, problems: readonly Problem[]): void {
    this.problems.set(file, problems);
    this.publish();
  }

  clear(file: string): void {
    this.problems.delete(file);
    this.publish();
  }

  /**
   * The values that would fix a shown diagnostic (a layer or cell name), likeliest first: the
   * problem it was made from, found by file, range and message.
   */
  replacementsFor(file: string, diagnostic: vscode.Diagnostic): string[] {
    for (const list of this.problems.values())
      for (const problem of list) {
        if (problem.file !== file || !problem.replacements || problem.message !== diagnostic.message) continue;
        if (toDiagnostic(problem).range.isEqual(diagnostic.range)) return problem.replacements;
      }
    return [];
  }

  /** The experiment files whose problems are shown (to revalidate when they change on disk). */
  files(): string[] {
    return [...this.problems.keys()];
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }

  private publish(): void {
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const list of this.problems.values())
      for (const problem of list) {
        const diagnostics = byFile.get(problem.file) ?? [];
        diagnostics.push(toDiagnostic(problem));
        byFile.set(problem.file, diagnostics);
      }
    for (const target of new Set([...this.shown.keys(), ...byFile.keys()])) {
      const uri = vscode.Uri.file(target);
      const foreign = vscode.languages.getDiagnostics(uri).filter((d) => d.source !== DIAGNOSTIC_SOURCE);
      const own = unique(byFile.get(target) ?? []).filter((d) => !foreign.some((f) => samePlace(f.range, d.range)));
      const key = JSON.stringify(own.map((d) => [d.range.start, d.range.end, d.message, d.severity]));
      if (this.shown.get(target) === key) continue;
      if (own.length === 0) {
        this.collection.delete(uri);
        this.shown.delete(target);
      } else {
        this.collection.set(uri, own);
        this.shown.set(target, key);
      }
    }
  }
}

/** Two reports of one problem: their ranges overlap (a problem on a key and one on its value do). */
function samePlace(a: vscode.Range, b: vscode.Range): boolean {
  return a.intersection(b) !== undefined;
}

/** The same message at the same range once (a file extended by two cells reports its problem twice). */
function unique(list: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.range.start.line}:${d.range.start.character}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
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
  diagnostic.source = DIAGNOSTIC_SOURCE;
  diagnostic.code = problem.path;
  return diagnostic;
}
