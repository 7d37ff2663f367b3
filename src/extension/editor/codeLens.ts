// CodeLenses on *.kd.json: run, stop, architecture and runs, above the file and each cell.
import * as vscode from 'vscode';
import { cellRanges } from '../../engine/config';
import type { RunIndex } from '../runs/runIndex';
import type { RunManager } from '../runs/runManager';
import { fileState } from './fileState';
import { buildLenses } from './lensModel';

/** Live progress redraws lenses at most this often. */
const THROTTLE_MS = 500;

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/*.kd.json' }];

export class ExperimentCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly index: RunIndex,
    private readonly manager: RunManager,
  ) {
    const schedule = () => this.schedule();
    this.disposables.push(index.onDidChange(schedule), manager.onDidChange(schedule));
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, THROTTLE_MS);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const file = document.uri.fsPath;
    const state = fileState(file, this.index, this.manager);
    // Lines come from offsets, so they follow the document as VS Code counts them.
    const ranges = cellRanges(document.getText()).map((r) => ({ ...r, line: document.positionAt(r.offset).line }));
    const specs = buildLenses({ file, ranges, runsOf: state.runsOf, activeOf: state.activeOf });
    return specs.map((spec) => {
      const line = Math.min(spec.line, document.lineCount - 1);
      return new vscode.CodeLens(document.lineAt(line).range, {
        title: spec.title,
        tooltip: spec.tooltip,
        command: spec.command,
        arguments: spec.args,
      });
    });
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
