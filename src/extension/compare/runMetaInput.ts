// Asks for a run's name or note and stores it in the run's meta.json; shared by the Runs tree's
// "Rename Run…" / "Add Note…" and the comparison view's buttons.
import * as path from 'path';
import * as vscode from 'vscode';
import { MAX_NAME_LENGTH, MAX_NOTE_LENGTH, readRunMeta, updateRunMeta } from '../../engine/store/runMeta';

/** Returns true when the user saved a value (an empty one clears it). */
export async function editRunMeta(
  runDir: string,
  field: 'name' | 'note',
  shown: { experiment?: string; runId?: string } = {},
): Promise<boolean> {
  const current = readRunMeta(runDir);
  const label = `${shown.experiment ?? path.basename(path.dirname(runDir))} · ${shown.runId ?? path.basename(runDir)}`;
  const max = field === 'name' ? MAX_NAME_LENGTH : MAX_NOTE_LENGTH;
  const value = await vscode.window.showInputBox({
    title: field === 'name' ? `Rename run ${label}` : `Note on run ${label}`,
    prompt:
      field === 'name' ? 'A name shown instead of the run id (empty: none)' : 'A note kept with the run (empty: none)',
    value: current[field] ?? '',
    validateInput: (v) => (v.length > max ? `At most ${max} characters` : undefined),
  });
  if (value === undefined) return false;
  try {
    updateRunMeta(runDir, { [field]: value });
    return true;
  } catch (error) {
    void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
    return false;
  }
}
