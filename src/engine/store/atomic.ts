// Atomic file writes for the run store (write a sibling temporary, rename over) and the removal of
// temporaries a killed writer leaves behind.
import * as fs from 'fs';
import * as path from 'path';

/** Writes a file so readers never see it half-written: write a sibling temp file, then rename over. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, file);
  } catch (error) {
    // A full disk leaves a partial temporary: give its space back before reporting.
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

const TEMPORARY = /\.tmp-\d+-\d+$/;

/** True for the temporary files writeFileAtomic leaves when a process dies between its write and its rename. */
export function isTemporary(name: string): boolean {
  return TEMPORARY.test(name);
}

/** Removes temporary files left below `dir` by a killed writer; returns how many. Only the run's owner may call it. */
export function removeTemporaries(dir: string): number {
  let removed = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) removed += removeTemporaries(full);
    else if (isTemporary(entry.name)) {
      fs.rmSync(full, { force: true });
      removed++;
    }
  }
  return removed;
}
