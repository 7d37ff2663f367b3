// Sweep paths: `distill.losses[1].temperature` into JSON path segments and back, reading and writing
// a value at such a path, and the nearest existing path for a misspelt one.
import { editDistance } from '../config/suggest';
import { clone, isObject, valueAt, type JsonObject, type JsonValue, type Segment } from '../config/json';

/** Segments of a sweep path, or undefined when it is not `key(.key|[index])*`. */
export function parseSweepPath(text: string): Segment[] | undefined {
  const segments: Segment[] = [];
  const pattern = /^(?:\.?([^.[\]]+)|\[(\d+)\])/;
  let rest = text;
  let first = true;
  while (rest.length > 0) {
    if (!first && !rest.startsWith('.') && !rest.startsWith('[')) return undefined;
    if (first && rest.startsWith('.')) return undefined;
    const match = pattern.exec(rest);
    if (!match) return undefined;
    segments.push(match[2] !== undefined ? Number(match[2]) : (match[1] ?? ''));
    rest = rest.slice(match[0].length);
    first = false;
  }
  return segments.length > 0 ? segments : undefined;
}

export function formatSweepPath(segments: readonly Segment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Every path (containers and leaves) of a JSON value, in sweep syntax. */
export function allPaths(value: JsonValue, prefix: Segment[] = [], out: string[] = []): string[] {
  if (prefix.length > 0) out.push(formatSweepPath(prefix));
  if (Array.isArray(value)) value.forEach((item, i) => allPaths(item, [...prefix, i], out));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) allPaths(item, [...prefix, key], out);
  return out;
}

/** The existing path closest to `wanted` by edit distance (ties: the shorter one). */
export function nearestPath(wanted: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate.length < best.length))
      [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/**
 * Sets `value` at `path` in `target` (in place). Containers missing from `target` are copied from
 * `fallback` (the resolved experiment, defaults included), so sweeping a defaulted value works.
 */
export function setAtPath(target: JsonObject, path: readonly Segment[], value: JsonValue, fallback: JsonValue): void {
  let current: JsonValue = target;
  const last = path[path.length - 1];
  if (last === undefined) return;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as Segment;
    const container = current as JsonObject & JsonValue[];
    let next: JsonValue | undefined = valueAt(current, [segment]);
    if (next === undefined || next === null || typeof next !== 'object') {
      const copied = valueAt(fallback, path.slice(0, i + 1));
      next = copied !== undefined && typeof copied === 'object' && copied !== null ? clone(copied) : {};
      (container as Record<string | number, JsonValue>)[segment] = next;
    }
    current = next;
  }
  (current as Record<string | number, JsonValue>)[last] = clone(value);
}
