// The sweep commands: Run Sweep (CodeLens above `sweep`, Command Palette), Stop Sweep and Resume
// Sweep (Runs view: a sweep node's inline buttons and context menu). Each accepts what its callers
// pass: a `{ file, cell }` target, a file URI, a sweep node or `{ sweepDir }`.
import * as vscode from 'vscode';
import { ExperimentError, formatProblem } from '../../engine/config';
import type { WorkerAnalysis } from '../validation/validatorService';
import { COMMANDS } from '../commandIds';
import type { SweepController } from './sweepController';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function fileTargetOf(arg: unknown): { file: string; cell?: string } | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? { file: arg.fsPath } : undefined;
  if (isObject(arg) && typeof arg.file === 'string')
    return { file: arg.file, ...(typeof arg.cell === 'string' ? { cell: arg.cell } : {}) };
  const document = vscode.window.activeTextEditor?.document;
  if (arg === undefined && document?.uri.scheme === 'file' && document.uri.fsPath.endsWith('.kd.json'))
    return { file: document.uri.fsPath };
  return undefined;
}

/** A sweep node of the Runs view, or `{ sweepDir }`. */
function sweepDirOf(arg: unknown): string | undefined {
  return isObject(arg) && typeof arg.sweepDir === 'string' ? arg.sweepDir : undefined;
}

export function registerSweepCommands(
  controller: SweepController,
  /** Analyses a file off the host's thread (the validator worker). */
  analyse: (file: string, text: string) => Promise<WorkerAnalysis>,
): vscode.Disposable[] {
  const fail = (error: unknown) => {
    const message =
      error instanceof ExperimentError
        ? error.problems
            .filter((p) => p.severity === 'error')
            .map(formatProblem)
            .join('\n')
        : (error as Error).message;
    void vscode.window.showErrorMessage(`Sweep: ${message}`);
    return undefined;
  };
  return [
    vscode.commands.registerCommand(COMMANDS.runSweep, async (arg: unknown) => {
      const target = fileTargetOf(arg);
      if (!target) return fail(new Error('open a .kd.json file with a "sweep" to run it'));
      try {
        const document = vscode.workspace.textDocuments.find(
          (d) => d.uri.scheme === 'file' && d.uri.fsPath === target.file,
        );
        if (document?.isDirty) await document.save();
        const text =
          document?.getText() ?? (await vscode.workspace.fs.readFile(vscode.Uri.file(target.file))).toString();
        const analysis = await analyse(target.file, text);
        if (!analysis.file || analysis.problems.some((p) => p.severity === 'error'))
          throw new ExperimentError(analysis.problems);
        return await controller.run(analysis.file, target.cell);
      } catch (error) {
        return fail(error);
      }
    }),
    vscode.commands.registerCommand(COMMANDS.stopSweep, async (arg: unknown) => {
      const dir = sweepDirOf(arg);
      if (!dir) return undefined;
      try {
        await controller.stop(dir);
        return dir;
      } catch (error) {
        return fail(error);
      }
    }),
    vscode.commands.registerCommand(COMMANDS.resumeSweep, async (arg: unknown) => {
      const dir = sweepDirOf(arg);
      if (!dir) return undefined;
      try {
        const points = await controller.resume(dir);
        if (points.length === 0)
          void vscode.window.showInformationMessage('Every point of this sweep is done or running.');
        return points;
      } catch (error) {
        return fail(error);
      }
    }),
  ];
}
