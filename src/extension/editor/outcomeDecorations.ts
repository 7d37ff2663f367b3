// Draws each experiment's latest outcome after its closing brace in every visible *.kd.json
// editor, and redraws it as runs progress.
import * as vscode from 'vscode';
import { cellRanges } from '../../engine/config';
import type { RunIndex } from '../runs/runIndex';
import type { RunManager } from '../runs/runManager';
import { fileState } from './fileState';
import { buildOutcomes, type OutcomeTone } from './outcomeModel';

const THROTTLE_MS = 400;

const TONE_COLORS: Record<OutcomeTone, string> = {
  done: 'testing.iconPassed',
  failed: 'errorForeground',
  stopped: 'editorWarning.foreground',
  running: 'descriptionForeground',
  queued: 'descriptionForeground',
};

export function isExperimentDocument(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'file' && document.uri.fsPath.endsWith('.kd.json');
}

export class OutcomeDecorations implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2.5em', fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly disposables: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;
  /** What is drawn in each document, by URI: [line, text] pairs. */
  private readonly drawn = new Map<string, { line: number; text: string }[]>();

  constructor(
    private readonly index: RunIndex,
    private readonly manager: RunManager,
  ) {
    const schedule = () => this.schedule();
    this.disposables.push(
      index.onDidChange(schedule),
      manager.onDidChange(schedule),
      vscode.window.onDidChangeVisibleTextEditors(schedule),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isExperimentDocument(e.document)) schedule();
      }),
    );
    this.drawAll();
  }

  /** The outcome texts currently shown in a document, by 0-based line. */
  shown(uri: vscode.Uri): { line: number; text: string }[] {
    return this.drawn.get(uri.toString()) ?? [];
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drawAll();
    }, THROTTLE_MS);
  }

  private drawAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (isExperimentDocument(editor.document)) this.draw(editor);
    }
  }

  private draw(editor: vscode.TextEditor): void {
    const document = editor.document;
    const state = fileState(document.uri.fsPath, this.index, this.manager);
    const outcomes = buildOutcomes(cellRanges(document.getText()), state);
    const decorations: vscode.DecorationOptions[] = [];
    const drawn: { line: number; text: string }[] = [];
    for (const outcome of outcomes) {
      const line = document.positionAt(outcome.endOffset).line;
      const end = document.lineAt(line).range.end;
      decorations.push({
        range: new vscode.Range(end, end),
        renderOptions: {
          after: { contentText: outcome.text, color: new vscode.ThemeColor(TONE_COLORS[outcome.tone]) },
        },
      });
      drawn.push({ line, text: outcome.text });
    }
    editor.setDecorations(this.type, decorations);
    this.drawn.set(document.uri.toString(), drawn);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.type.dispose();
  }
}
