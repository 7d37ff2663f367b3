// A saved model's weights must come from its own folder: a model.json whose manifest names
// `../../etc/passwd` would otherwise make a run read any file. Checked when an experiment is
// validated (at the position of `load`) and again when the weights are read.
import * as path from 'path';
import { isObject } from './json';
import { readTextFileSafely } from '../io/safeRead';
import { isInsideFolder } from './confine';

/** model.json holds the topology and the manifest; a larger one is not a model. */
export const MODEL_JSON_LIMIT = 64 * 1024 * 1024;

/** Manifest paths are URL-relative (the converter may percent-encode them). */
export function shardPath(shard: string): string {
  try {
    return decodeURIComponent(shard);
  } catch {
    return shard;
  }
}

/** The weight file a manifest entry names, or an error when it leaves the model's folder. */
export function resolveShard(modelJson: string, shard: string): { file: string } | { error: string } {
  const dir = path.dirname(path.resolve(modelJson));
  const file = path.resolve(dir, shardPath(shard));
  if (!isInsideFolder(file, dir))
    return { error: `weight file "${shard}" of ${modelJson} is outside the model's folder (${dir}): not read` };
  return { file };
}

/** What is wrong with a model.json's manifest, without quoting the file's contents. */
export function manifestProblems(modelJson: string): string[] {
  const read = readTextFileSafely(modelJson, MODEL_JSON_LIMIT);
  if ('error' in read) return [`model file ${modelJson}: ${read.error}`];
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.text);
  } catch {
    return [`${modelJson} is not valid JSON (expected a TF.js model.json)`];
  }
  if (!isObject(parsed)) return [`${modelJson} is not a TF.js model.json (expected an object)`];
  const manifest = parsed.weightsManifest;
  if (manifest === undefined) return [];
  if (!Array.isArray(manifest)) return [`${modelJson}: "weightsManifest" must be a list of weight groups`];
  const problems: string[] = [];
  for (const group of manifest) {
    const paths = isObject(group) && Array.isArray(group.paths) ? group.paths : [];
    for (const shard of paths) {
      if (typeof shard !== 'string') continue;
      const resolved = resolveShard(modelJson, shard);
      if ('error' in resolved) problems.push(resolved.error);
    }
  }
  return problems;
}
