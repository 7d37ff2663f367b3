// The extension's settings, typed. Nothing else reads `distillationStudio.*`.
import * as path from 'path';
import * as vscode from 'vscode';
import { isBackendName, type BackendName } from '../protocol/runner';

const SECTION = 'distillationStudio';

export interface Settings {
  backend: BackendName;
  /** Absolute runs directory. */
  runsDir: string;
  maxConcurrentRuns: number;
  /** A Node executable for the runner; undefined uses the editor's own. */
  nodePath: string | undefined;
  /** Where a sweep's points run: runner processes here (through the run queue) or a SLURM job array. */
  sweepExecutor: 'local' | 'slurm';
  /** Extra sbatch arguments for SLURM sweeps. */
  slurmArgs: string[];
}

/**
 * Reads the settings. `fallbackRoot` anchors a relative runs directory when no folder is open
 * (the extension's global storage).
 */
export function readSettings(fallbackRoot: string): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const backend = config.get<string>('backend', 'auto');
  const runsDirectory = config.get<string>('runsDirectory', 'runs').trim() || 'runs';
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? fallbackRoot;
  const max = Math.floor(config.get<number>('maxConcurrentRuns', 1));
  const nodePath = config.get<string>('nodePath', '').trim();
  return {
    backend: isBackendName(backend) ? backend : 'auto',
    runsDir: path.resolve(root, runsDirectory),
    maxConcurrentRuns: Number.isFinite(max) && max >= 1 ? max : 1,
    nodePath: nodePath || undefined,
    sweepExecutor: config.get<string>('sweepExecutor', 'local') === 'slurm' ? 'slurm' : 'local',
    slurmArgs: config.get<unknown[]>('slurmArgs', []).filter((a): a is string => typeof a === 'string'),
  };
}

/** Fires when any of the extension's settings change. */
export function onSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener();
  });
}
