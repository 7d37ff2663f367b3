// Quick fixes for the engine's problems that name their own remedy: a layer name a model does not
// have, a cell name no earlier cell has. One action per candidate, the nearest first (and preferred),
// replacing the value where the problem marks it.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, type ExperimentDiagnostics } from './diagnostics';

/** Beyond this many, the message lists the rest: a menu of two hundred layers helps nobody. */
const MAX_ACTIONS = 10;

export class ReplacementQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ExperimentDiagnostics) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const candidates = this.diagnostics.replacementsFor(document.uri.fsPath, diagnostic).slice(0, MAX_ACTIONS);
      candidates.forEach((name, i) => {
        const action = new vscode.CodeAction(`Replace with "${name}"`, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        action.edit.replace(document.uri, diagnostic.range, JSON.stringify(name));
        action.diagnostics = [diagnostic];
        action.isPreferred = i === 0;
        actions.push(action);
      });
    }
    return actions;
  }
}
