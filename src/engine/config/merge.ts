// How `extends` and cells combine settings: objects merge field by field, arrays (loss lists,
// layer lists) are replaced whole, `null` removes an inherited value, and an object that names a
// different kind (another `type`, `dataset` or `preset`, or a model given another way) replaces
// the inherited object instead of mixing fields of two kinds.
import { clone, isObject, type JsonObject, type JsonValue } from './json';

/** The kind an object names, or undefined for an object that only refines. */
export function kindOf(value: JsonObject): string | undefined {
  for (const key of ['type', 'dataset', 'preset']) {
    if (typeof value[key] === 'string') return `${key}:${value[key] as string}`;
  }
  for (const key of ['layers', 'load', 'fromCell']) if (key in value) return key;
  return undefined;
}

export function mergeJson(base: JsonValue | undefined, override: JsonValue | undefined): JsonValue | undefined {
  if (override === undefined) return base === undefined ? undefined : clone(base);
  if (!isObject(base) || !isObject(override)) return clone(override);
  const overrideKind = kindOf(override);
  if (overrideKind !== undefined && overrideKind !== kindOf(base)) return clone(override);
  const result: JsonObject = clone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = mergeJson(result[key], value);
    if (merged !== undefined) result[key] = merged;
  }
  return result;
}

/** `mergeJson` for two objects (the common case). */
export function mergeObjects(base: JsonObject, override: JsonObject): JsonObject {
  return mergeJson(base, override) as JsonObject;
}
