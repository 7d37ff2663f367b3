// Messages from a webview are data from a page, not typed values: each is checked against the
// contract in webview.ts before the host acts on it. A message that does not fit is dropped with
// a reason for the log. Small and hand-written so the checks read like the types they guard.
import { EXPORT_FORMATS, type CompareCommand, type ExportFormat, type PanelCommand } from './webview';

export type Checked<T> = { ok: true; message: T } | { ok: false; reason: string };

/** An export carries a chart or a table; a message larger than this is not one. */
const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
const MAX_NAME_CHARS = 1024;

type Record_ = Record<string, unknown>;

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record_, allowed: readonly string[]): string | undefined {
  const extra = Object.keys(value).find((key) => !allowed.includes(key));
  return extra === undefined ? undefined : `unexpected field "${extra.slice(0, 40)}"`;
}

function shortString(value: unknown, max = MAX_NAME_CHARS): value is string {
  return typeof value === 'string' && value.length <= max;
}

function fail<T>(reason: string): Checked<T> {
  return { ok: false, reason };
}

/** `{ type: 'export', format, fileName, data }` (an `id`, when the contract carries one, passes). */
function checkExport<T>(value: Record_): Checked<T> {
  const extra = onlyKeys(value, ['type', 'format', 'fileName', 'data', 'id']);
  if (extra) return fail(extra);
  if (!(EXPORT_FORMATS as readonly string[]).includes(value.format as ExportFormat))
    return fail('export: unknown format');
  if (!shortString(value.fileName) || value.fileName.length === 0)
    return fail('export: fileName must be a short string');
  if (!shortString(value.data, MAX_EXPORT_CHARS)) return fail('export: data must be a string under 64 MB');
  if (value.id !== undefined && !shortString(value.id, 200) && typeof value.id !== 'number')
    return fail('export: id must be a string or a number');
  return { ok: true, message: value as T };
}

/** Experiment panel → host. */
export function checkPanelCommand(value: unknown): Checked<PanelCommand> {
  if (!isRecord(value)) return fail('not an object');
  switch (value.type) {
    case 'ready':
      return onlyKeys(value, ['type'])
        ? fail(onlyKeys(value, ['type']) as string)
        : { ok: true, message: { type: 'ready' } };
    case 'revealLayer': {
      const extra = onlyKeys(value, ['type', 'stage', 'layer', 'index']);
      if (extra) return fail(extra);
      if (!shortString(value.stage) || !shortString(value.layer))
        return fail('revealLayer: stage and layer must be short strings');
      if (!Number.isInteger(value.index) || (value.index as number) < 0)
        return fail('revealLayer: index must be a non-negative integer');
      return {
        ok: true,
        message: { type: 'revealLayer', stage: value.stage, layer: value.layer, index: value.index as number },
      };
    }
    case 'export':
      return checkExport<PanelCommand>(value);
    default:
      return fail(`unknown message type ${JSON.stringify(String(value.type)).slice(0, 60)}`);
  }
}

/** Comparison panel → host. */
export function checkCompareCommand(value: unknown): Checked<CompareCommand> {
  if (!isRecord(value)) return fail('not an object');
  switch (value.type) {
    case 'ready':
      return onlyKeys(value, ['type'])
        ? fail(onlyKeys(value, ['type']) as string)
        : { ok: true, message: { type: 'ready' } };
    case 'openRun': {
      const extra = onlyKeys(value, ['type', 'runDir']);
      if (extra) return fail(extra);
      if (!shortString(value.runDir, 4096) || value.runDir.length === 0) return fail('openRun: runDir must be a path');
      return { ok: true, message: { type: 'openRun', runDir: value.runDir } };
    }
    case 'diff': {
      const extra = onlyKeys(value, ['type', 'a', 'b']);
      if (extra) return fail(extra);
      if (!shortString(value.a, 4096) || !shortString(value.b, 4096) || !value.a || !value.b)
        return fail('diff: a and b must be run folders');
      return { ok: true, message: { type: 'diff', a: value.a, b: value.b } };
    }
    case 'editMeta': {
      const extra = onlyKeys(value, ['type', 'runDir', 'field']);
      if (extra) return fail(extra);
      if (!shortString(value.runDir, 4096) || value.runDir.length === 0) return fail('editMeta: runDir must be a path');
      if (value.field !== 'name' && value.field !== 'note') return fail('editMeta: field must be "name" or "note"');
      return { ok: true, message: { type: 'editMeta', runDir: value.runDir, field: value.field } };
    }
    case 'export':
      return checkExport<CompareCommand>(value);
    default:
      return fail(`unknown message type ${JSON.stringify(String(value.type)).slice(0, 60)}`);
  }
}
