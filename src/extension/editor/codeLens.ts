// CodeLenses on *.kd.json: run, stop, architecture and runs, above the file and each cell.
import * as vscode from 'vscode';
import { cellRanges } from '../../engine/config';
import type { RunIndex } from '../runs/runIndex';
import type { RunManager } from '../runs/runManager';
import { fileState } from './fileState';
import type { WorkerAnalysis } from '../validation/validatorService';
import { buildLenses, sweepLenses, type SweepLensInput } from './lensModel';
import { cellReuses } from './cellReuses';
import { canResume } from '../../engine/store/resumable';

/** Live progress redraws lenses at most this often. */
const THROTTLE_MS = 500;

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = [{ scheme: 'file', pattern: '**/*.kd.json' }];

export class ExperimentCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;
  /** The sweeps of each document at the version they were expanded for (expanding validates the file). */
  private readonly sweepCache = new Map<string, { version: number; sweeps: Promise<SweepLensInput[]> }>();

  constructor(
    private readonly index: RunIndex,
    private readonly manager: RunManager,
    /** Analyses a file's text off the host's thread (the validator worker). */
    private readonly analyse: (file: string, text: string) => Promise<WorkerAnalysis>,
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

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const sweeps = await this.sweepsOf(document);
    const file = document.uri.fsPath;
    const state = fileState(file, this.index, this.manager);
    // Lines come from offsets, so they follow the document as VS Code counts them.
    const ranges = cellRanges(document.getText()).map((r) => ({ ...r, line: document.positionAt(r.offset).line }));
    const reuses = cellReuses(document.getText());
    const specs = [
      ...buildLenses({
        file,
        ranges,
        runsOf: state.runsOf,
        activeOf: state.activeOf,
        reusesOf: (cell) => reuses.get(cell) ?? [],
        resumable: canResume,
      }),
      ...sweepLenses(file, sweeps),
    ];
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

  /** The file's valid sweeps (one with problems has no lens: its problems are in the Problems panel). */
  private sweepsOf(document: vscode.TextDocument): Promise<SweepLensInput[]> {
    const key = document.uri.toString();
    const cached = this.sweepCache.get(key);
    if (cached?.version === document.version) return cached.sweeps;
    const text = document.getText();
    // Only files that mention a sweep pay for the expansion.
    const sweeps = !text.includes('"sweep"')
      ? Promise.resolve([])
      : this.analyse(document.uri.fsPath, text).then(
          (analysis) =>
            Object.values(analysis.file?.sweeps ?? {}).map((plan) => ({
              line: Math.max(0, plan.line - 1),
              ...(plan.cell !== undefined ? { cell: plan.cell } : {}),
              runs: plan.points.length,
            })),
          () => [],
        );
    this.sweepCache.set(key, { version: document.version, sweeps });
    return sweeps;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
