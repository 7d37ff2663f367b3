// Resolved configs as flat dotted paths (the sweep's path syntax: `distill.losses[1].temperature`),
// which keys differ between runs, and a two-config diff. Arrays of plain values (a list of hidden
// widths) stay one value, written as JSON, since a sweep varies them as one value.
import type { ConfigScalar } from '../../protocol/webview';

export type FlatConfig = Record<string, ConfigScalar>;

function isPlain(value: unknown): value is ConfigScalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** `{ a: { b: [1, 2], c: [{ d: 1 }] } }` → `{ "a.b": "[1,2]", "a.c[0].d": 1 }`. */
export function flattenConfig(value: unknown, prefix = '', into: FlatConfig = {}): FlatConfig {
  if (isPlain(value)) {
    if (prefix) into[prefix] = value;
  } else if (Array.isArray(value)) {
    if (value.every(isPlain)) into[prefix] = JSON.stringify(value);
    else value.forEach((item, i) => flattenConfig(item, `${prefix}[${i}]`, into));
  } else if (typeof value === 'object' && value !== undefined) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) into[prefix] = '{}';
    for (const [key, item] of entries) flattenConfig(item, prefix ? `${prefix}.${key}` : key, into);
  }
  return into;
}

/** The keys whose values are not the same in every config (a key missing from some differs), and the equal ones with their value. */
export function splitKeys(configs: FlatConfig[]): { differing: string[]; equal: FlatConfig } {
  const keys = new Set<string>();
  for (const config of configs) for (const key of Object.keys(config)) keys.add(key);
  const differing: string[] = [];
  const equal: FlatConfig = {};
  for (const key of [...keys].sort()) {
    const first = configs[0]?.[key];
    const same = configs.every((c) => key in c && c[key] === first);
    if (same && first !== undefined) equal[key] = first;
    else differing.push(key);
  }
  return { differing, equal };
}

export interface DiffRow {
  key: string;
  a?: ConfigScalar;
  b?: ConfigScalar;
  /** 'same', or how b differs from a. */
  change: 'same' | 'changed' | 'added' | 'removed';
}

/** Every key of either config, in path order, with how it changed from a to b. */
export function diffConfigs(a: FlatConfig, b: FlatConfig): DiffRow[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.map((key) => {
    const inA = key in a;
    const inB = key in b;
    const change = !inA ? 'added' : !inB ? 'removed' : a[key] === b[key] ? 'same' : 'changed';
    return { key, a: a[key], b: b[key], change };
  });
}

/** Keeps the given keys of a config (absent keys stay absent). */
export function pickKeys(config: FlatConfig, keys: readonly string[]): FlatConfig {
  const picked: FlatConfig = {};
  for (const key of keys) {
    const value = config[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
