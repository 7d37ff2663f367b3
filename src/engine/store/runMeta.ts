// A run's name and note, chosen by the user after the run: runs/<experiment>/<id>/meta.json
// `{ "name"?: string, "note"?: string }`. Separate from config.json (what ran) and summary.json
// (what came out), which stay as the runner wrote them; written atomically so readers never see half.
import * as fs from 'fs';
import * as path from 'path';
import { writeJsonAtomic } from './atomic';

export const META_FILE = 'meta.json';
export const MAX_NAME_LENGTH = 200;
export const MAX_NOTE_LENGTH = 10_000;

export interface RunMeta {
  name?: string;
  note?: string;
}

function field(value: unknown, key: string, file: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${file}: "${key}" must be a string`);
  if (value.length > max) throw new Error(`${file}: "${key}" is longer than ${max} characters`);
  return value.trim() || undefined;
}

/** Checks a meta object; blank fields are dropped. */
export function parseRunMeta(value: unknown, file = META_FILE): RunMeta {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${file}: expected an object with "name" and "note" strings`);
  const record = value as Record<string, unknown>;
  const meta: RunMeta = {};
  const name = field(record.name, 'name', file, MAX_NAME_LENGTH);
  const note = field(record.note, 'note', file, MAX_NOTE_LENGTH);
  if (name !== undefined) meta.name = name.replace(/\s+/g, ' ');
  if (note !== undefined) meta.note = note;
  return meta;
}

/** The run's name and note; an absent or unreadable meta.json reads as none (it is the user's annotation, never needed to read a run). */
export function readRunMeta(runDir: string): RunMeta {
  const file = path.join(runDir, META_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    return parseRunMeta(JSON.parse(text), file);
  } catch {
    return {};
  }
}

/** Sets (a string) or clears (undefined or blank) the given fields, keeping the others. */
export function updateRunMeta(runDir: string, patch: RunMeta): RunMeta {
  if (!fs.existsSync(path.join(runDir, 'config.json'))) throw new Error(`${runDir}: not a run folder (no config.json)`);
  const merged = { ...readRunMeta(runDir), ...patch };
  const meta = parseRunMeta(
    Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)),
    path.join(runDir, META_FILE),
  );
  writeJsonAtomic(path.join(runDir, META_FILE), meta);
  return meta;
}
