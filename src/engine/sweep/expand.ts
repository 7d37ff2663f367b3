// Expands a `sweep` block into its runs: the grid's cartesian product, times the random draws
// (reproducible from sweepSeed), times the seeds. Each setting is substituted into the merged
// experiment and checked by the same schema and semantic rules as a file, so a point that cannot
// run is reported before anything runs, at the line of the sweep, with the point's values.
import { buildExperiment } from '../config/build';
import { isObject, valueAt, type JsonObject, type JsonValue, type Segment } from '../config/json';
import { resolveFilePaths } from '../config/paths';
import type { Problem } from '../config/problems';
import { validateExperimentShape } from '../config/schema';
import { checkExperiment, type CellContext } from '../config/semantic';
import { problemAt, type SourceFile } from '../config/source';
import type { Experiment } from '../config/types';
import { createRng, deriveSeed } from '../random';
import { allPaths, formatSweepPath, nearestPath, parseSweepPath, setAtPath } from './paths';
import * as path from 'path';

/** One run of a sweep: a setting (the swept values) with one seed. */
export interface SweepPoint {
  /** 0-based index in the expansion: setting × seeds + seed index (the SLURM array task id). */
  index: number;
  /** Index of the setting; the runs of one setting differ only by seed. */
  setting: number;
  params: Record<string, JsonValue>;
  seed: number;
  /** The resolved experiment of this run (sweep metadata not yet attached). */
  experiment: Experiment;
}

export interface SweepPlan {
  /** The experiment's name (file name, plus `.cell`). */
  name: string;
  cell?: string;
  file: string;
  /** 1-based line of the `sweep` key. */
  line: number;
  paths: string[];
  settings: number;
  seeds: number[];
  points: SweepPoint[];
  /** Train each distinct teacher once and cache frozen teachers' outputs once, for all points (`shareTeachers`, default true). */
  shareTeachers: boolean;
}

/** What expanding needs: the sweep as written, where it is, and the experiment it applies to. */
export interface SweepSource {
  spec: JsonValue;
  source: SourceFile;
  /** Path of the `sweep` value in its file: ['sweep'] or ['cells', i, 'sweep']. */
  prefix: Segment[];
  /** The merged experiment before defaults (what the schema and semantic rules judge). */
  raw: JsonObject;
  /** The same experiment resolved, defaults included (what paths may name). */
  base: Experiment;
  cell?: CellContext;
}

/** Sweeps beyond this many runs are refused: almost always a mistake in the grid. */
export const MAX_SWEEP_RUNS = 10000;

/** Paths a sweep may not set: identity and provenance of the run, and the seed (use `seeds`). */
const FORBIDDEN = new Set(['name', 'cell', 'sourceFile', 'seed', 'sweep']);

function describeParams(params: Record<string, JsonValue>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ');
}

/** The seeds each setting runs with: `seeds`, or 1..`repeats`, or the experiment's own seed. */
export function sweepSeeds(spec: JsonObject, experimentSeed: number): number[] {
  if (Array.isArray(spec.seeds)) return spec.seeds.filter((s): s is number => typeof s === 'number');
  if (typeof spec.repeats === 'number') return Array.from({ length: spec.repeats }, (_, i) => i + 1);
  return [experimentSeed];
}

/** How many runs a sweep makes, from its text alone (for the CodeLens); undefined when malformed. */
export function countSweepRuns(spec: JsonValue): number | undefined {
  if (!isObject(spec)) return undefined;
  let settings = 1;
  if (spec.grid !== undefined) {
    if (!isObject(spec.grid)) return undefined;
    for (const values of Object.values(spec.grid)) {
      if (!Array.isArray(values)) return undefined;
      settings *= values.length;
    }
  }
  if (spec.random !== undefined) {
    if (!isObject(spec.random) || typeof spec.random.samples !== 'number') return undefined;
    settings *= spec.random.samples;
  }
  const seeds = Array.isArray(spec.seeds) ? spec.seeds.length : typeof spec.repeats === 'number' ? spec.repeats : 1;
  return settings * seeds;
}

/** One value drawn from a distribution of `random.space`. */
function draw(distribution: JsonObject, rng: () => number): JsonValue {
  const u = rng();
  if (Array.isArray(distribution.logUniform)) {
    const [low = 1, high = 1] = distribution.logUniform as number[];
    return Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
  }
  if (Array.isArray(distribution.uniform)) {
    const [low = 0, high = 0] = distribution.uniform as number[];
    return low + u * (high - low);
  }
  const choices = distribution.choice as JsonValue[];
  return choices[Math.min(choices.length - 1, Math.floor(u * choices.length))] ?? null;
}

/** The settings of a sweep: grid combinations (first path slowest) × random draws. */
function settingsOf(spec: JsonObject): Record<string, JsonValue>[] {
  let settings: Record<string, JsonValue>[] = [{}];
  if (isObject(spec.grid)) {
    for (const [key, values] of Object.entries(spec.grid)) {
      const list = values as JsonValue[];
      settings = settings.flatMap((s) => list.map((v) => ({ ...s, [key]: v })));
    }
  }
  if (isObject(spec.random) && isObject(spec.random.space)) {
    const random = spec.random;
    const rng = createRng(deriveSeed(typeof random.sweepSeed === 'number' ? random.sweepSeed : 0, 'sweep.random'));
    const space = Object.entries(random.space as JsonObject);
    const draws = Array.from({ length: random.samples as number }, () =>
      Object.fromEntries(space.map(([key, distribution]) => [key, draw(distribution as JsonObject, rng)])),
    );
    settings = settings.flatMap((s) => draws.map((d) => ({ ...s, ...d })));
  }
  return settings;
}

/**
 * Expands a sweep whose block already passed the schema. Problems are placed in the file that holds
 * the sweep: a bad path at its own key, a point that fails a check at the `sweep` key.
 */
export function expandSweep(
  input: SweepSource,
  name: string,
  cell?: string,
): { plan?: SweepPlan; problems: Problem[] } {
  const problems: Problem[] = [];
  const { source, prefix } = input;
  if (!isObject(input.spec)) return { problems };
  const spec = input.spec;
  const at = (segments: Segment[], message: string) =>
    problems.push(problemAt(source, [...prefix, ...segments], message));
  const baseJson = input.base as unknown as JsonObject;
  const existing = allPaths(
    Object.fromEntries(Object.entries(baseJson).filter(([key]) => !FORBIDDEN.has(key))) as JsonObject,
  );

  const parsed = new Map<string, Segment[]>();
  const sections: [string, JsonValue | undefined][] = [
    ['grid', spec.grid],
    ['random', isObject(spec.random) ? spec.random.space : undefined],
  ];
  for (const [section, keys] of sections) {
    if (!isObject(keys)) continue;
    const where = (key: string): Segment[] => (section === 'grid' ? ['grid', key] : ['random', 'space', key]);
    for (const key of Object.keys(keys)) {
      const segments = parseSweepPath(key);
      if (!segments) {
        at(
          where(key),
          `"${key}" is not a path: expected names joined by dots with [i] for array items, e.g. "distill.losses[1].temperature"`,
        );
        continue;
      }
      if (FORBIDDEN.has(String(segments[0]))) {
        at(
          where(key),
          segments[0] === 'seed'
            ? 'the seed is swept with "seeds" or "repeats", not as a path'
            : `"${key}" cannot be swept`,
        );
        continue;
      }
      if (parsed.has(key)) {
        at(where(key), `"${key}" is in both grid and random: give each path in one of them`);
        continue;
      }
      if (valueAt(baseJson, segments) === undefined && valueAt(input.raw, segments) === undefined) {
        const near = nearestPath(formatSweepPath(segments), existing);
        at(where(key), `"${key}" does not exist in the experiment${near ? ` (nearest existing path: "${near}")` : ''}`);
        continue;
      }
      parsed.set(key, segments);
    }
  }
  const seeds = sweepSeeds(spec, input.base.seed);
  const total = countSweepRuns(spec) ?? 0;
  if (total > MAX_SWEEP_RUNS) at([], `this sweep makes ${total} runs; at most ${MAX_SWEEP_RUNS} are allowed`);
  if (problems.length > 0) return { problems };

  const settings = settingsOf(spec);
  const experiments: Experiment[] = [];
  const baseDir = path.dirname(source.file);
  settings.forEach((params, setting) => {
    const raw = structuredClone(input.raw);
    for (const [key, value] of Object.entries(params)) setAtPath(raw, parsed.get(key)!, value, baseJson);
    resolveFilePaths(raw, baseDir);
    const label = `sweep point ${setting + 1} of ${settings.length} (${describeParams(params)})`;
    const issues = [
      ...validateExperimentShape(raw).map((i) => ({ ...i, severity: 'error' as const })),
      ...checkExperiment(raw, input.cell),
    ].filter((i) => i.severity === 'error');
    for (const issue of issues)
      at([], `${label}: ${formatSweepPath(issue.path) || 'the experiment'}: ${issue.message}`);
    if (issues.length === 0)
      experiments.push(buildExperiment(raw, input.base.name, input.base.cell, input.base.sourceFile));
  });
  if (problems.length > 0) return { problems };

  const points: SweepPoint[] = [];
  settings.forEach((params, setting) => {
    seeds.forEach((seed) => {
      points.push({
        index: points.length,
        setting,
        params,
        seed,
        experiment: { ...structuredClone(experiments[setting] as Experiment), seed },
      });
    });
  });
  const line = problemAt(source, prefix, '').line;
  return {
    plan: {
      name,
      cell,
      file: source.file,
      line,
      paths: [...parsed.keys()],
      settings: settings.length,
      seeds,
      points,
      shareTeachers: spec.shareTeachers !== false,
    },
    problems,
  };
}
