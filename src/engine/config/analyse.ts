// Reads an experiment file the way every caller needs it: follows `extends`, checks each file
// against the schema, merges files and cells into experiments, runs the semantic rules and places
// every problem at a line and column of the file that wrote the offending value.
import * as fs from 'fs';
import * as path from 'path';
import { findNodeAtLocation } from 'jsonc-parser';
import { resolveData, resolveDistill, resolveModel, resolveTrain, DEFAULTS } from './defaults';
import { clone, isObject, type JsonObject, type Segment } from './json';
import { mergeObjects } from './merge';
import { resolveFilePaths } from './paths';
import { hasErrors, sortProblems, type Problem } from './problems';
import { checkExperiment, type CellContext } from './semantic';
import { validateExperimentShape, validateFileShape } from './schema';
import { parseSource, problemAt, type SourceFile } from './source';
import type { BackendName, Experiment, ExperimentFile } from './types';

export interface Analysis {
  /** Every problem found, errors and warnings, sorted by file and position. */
  problems: Problem[];
  /** The experiments, when there is no error. */
  file?: ExperimentFile;
}

/** Reads a file named by `extends`; undefined when it cannot be read. */
export type ReadFile = (file: string) => string | undefined;

export function readFileOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** `mnist-hinton` for `mnist-hinton.kd.json`. */
export function fileStem(file: string): string {
  return path.basename(file).replace(/(\.kd)?\.jsonc?$/i, '');
}

/** A place an experiment's settings may come from: a cell, or a file's top level. */
interface Layer {
  source: SourceFile;
  prefix: Segment[];
}

class ProblemList {
  private readonly seen = new Set<string>();
  private readonly places = new Set<string>();
  readonly items: Problem[] = [];

  add(problem: Problem): void {
    const key = `${placeOf(problem)}\u0000${problem.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.places.add(placeOf(problem));
    this.items.push(problem);
  }

  /** Adds a problem unless one was already reported at the same place (the file's own check says it better). */
  addIfNew(problem: Problem): void {
    if (!this.places.has(placeOf(problem))) this.add(problem);
  }
}

function placeOf(problem: Problem): string {
  return `${problem.file}\u0000${problem.offset}\u0000${problem.path}`;
}

/** The layer that wrote the value at `at` (the deepest existing part of it, most specific layer first). */
function ownerOf(layers: readonly Layer[], at: readonly Segment[]): Layer {
  for (let depth = at.length; depth >= 0; depth--) {
    for (const layer of layers) {
      if (layer.source.root && findNodeAtLocation(layer.source.root, [...layer.prefix, ...at.slice(0, depth)]))
        return layer;
    }
  }
  // The file itself is always a layer: nothing deeper owns the path, so it does.
  return layers[0] as Layer;
}

/** The files of an `extends` chain, the given one first; stops at the first file that cannot be used. */
function readChain(
  file: string,
  text: string,
  read: ReadFile,
  problems: ProblemList,
): { chain: SourceFile[]; complete: boolean } {
  const chain: SourceFile[] = [];
  let current = { file, text };
  for (;;) {
    const source = parseSource(current.file, current.text);
    chain.push(source);
    source.problems.forEach((p) => problems.add(p));
    if (source.value === undefined) return { chain, complete: false };
    for (const issue of validateFileShape(source.value)) problems.add(problemAt(source, issue.path, issue.message));
    if (!isObject(source.value)) return { chain, complete: false };
    const extended = source.value.extends;
    if (typeof extended !== 'string' || extended.length === 0) return { chain, complete: !('extends' in source.value) };
    const target = path.resolve(path.dirname(current.file), extended);
    const shown = (f: string) => path.relative(path.dirname(file), f) || path.basename(f);
    if (chain.some((s) => s.file === target)) {
      const cycle = [...chain.map((s) => s.file), target].map(shown).join(' → ');
      problems.add(problemAt(source, ['extends'], `extends cycle: ${cycle}`));
      return { chain, complete: false };
    }
    const targetText = read(target);
    if (targetText === undefined) {
      problems.add(problemAt(source, ['extends'], `extended file not found: ${target}`));
      return { chain, complete: false };
    }
    current = { file: target, text: targetText };
  }
}

const FILE_ONLY_KEYS = ['$schema', 'name', 'extends', 'cells'];

function withoutKeys(value: JsonObject, keys: readonly string[]): JsonObject {
  const result: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (!keys.includes(key)) result[key] = v;
  return result;
}

function buildExperiment(raw: JsonObject, name: string, cell: string | undefined, sourceFile: string): Experiment {
  return {
    name,
    ...(cell !== undefined ? { cell } : {}),
    sourceFile,
    seed: typeof raw.seed === 'number' ? raw.seed : DEFAULTS.seed,
    backend: (typeof raw.backend === 'string' ? raw.backend : DEFAULTS.backend) as BackendName,
    data: resolveData(raw.data),
    ...(isObject(raw.teacher) ? { teacher: resolveModel(raw.teacher, raw.train) } : {}),
    student: resolveModel(raw.student as JsonObject, raw.train),
    distill: resolveDistill(raw.distill, raw.train),
    train: resolveTrain(raw.train),
    baseline: typeof raw.baseline === 'boolean' ? raw.baseline : DEFAULTS.baseline,
  };
}

export function analyseExperimentText(filePath: string, text: string, read: ReadFile = readFileOrUndefined): Analysis {
  const file = path.resolve(filePath);
  const problems = new ProblemList();
  const { chain, complete } = readChain(file, text, read, problems);
  if (!complete) return { problems: sortProblems(problems.items) };

  // Each file's relative paths are made absolute against its own folder before merging.
  const values = chain.map((source) => {
    const value = clone(source.value as JsonObject);
    resolveFilePaths(value, path.dirname(source.file));
    return value;
  });
  let top: JsonObject = {};
  for (const value of [...values].reverse()) top = mergeObjects(top, withoutKeys(value, FILE_ONLY_KEYS));
  const cellsIndex = values.findIndex((v) => Array.isArray(v.cells));
  const cellsSource = chain[cellsIndex];
  const cells = cellsSource ? (values[cellsIndex]?.cells as unknown[]) : undefined;

  const root = values[0] ?? {};
  const fileName = typeof root.name === 'string' && root.name.length > 0 ? root.name : fileStem(file);
  const topLayers: Layer[] = chain.map((source) => ({ source, prefix: [] }));
  const units: { raw: JsonObject; layers: Layer[]; cell?: CellContext; cellName?: string }[] = [];
  if (cells && cellsSource) {
    const names = cells.map((c) => (isObject(c) && typeof c.name === 'string' ? c.name : undefined));
    const first = new Map<string, number>();
    names.forEach((name, i) => {
      if (name === undefined) return;
      if (first.has(name))
        problems.add(
          problemAt(
            cellsSource,
            ['cells', i, 'name'],
            `duplicate cell name "${name}" (also cell ${(first.get(name) ?? 0) + 1})`,
          ),
        );
      else first.set(name, i);
    });
    cells.forEach((cell, index) => {
      if (!isObject(cell)) return;
      units.push({
        raw: mergeObjects(top, withoutKeys(cell, ['name'])),
        layers: [{ source: cellsSource, prefix: ['cells', index] }, ...topLayers],
        cell: { index, names },
        cellName: names[index],
      });
    });
  } else {
    units.push({ raw: top, layers: topLayers });
  }

  for (const unit of units) {
    const place = (at: Segment[], message: string, severity: Problem['severity'], contextual: boolean): Problem => {
      const owner = ownerOf(unit.layers, at);
      const outsideCell = unit.cell !== undefined && owner !== unit.layers[0];
      const text =
        contextual && outsideCell && unit.cellName !== undefined ? `in cell "${unit.cellName}": ${message}` : message;
      return problemAt(owner.source, [...owner.prefix, ...at], text, severity);
    };
    // The merged experiment's schema check only adds what no single file shows (fields that clash after merging).
    for (const issue of validateExperimentShape(unit.raw))
      problems.addIfNew(place(issue.path, issue.message, 'error', false));
    for (const issue of checkExperiment(unit.raw, unit.cell))
      problems.add(place(issue.path, issue.message, issue.severity, issue.contextual ?? false));
  }

  const sorted = sortProblems(problems.items);
  if (hasErrors(sorted)) return { problems: sorted };
  const experiments = units.map((unit) =>
    buildExperiment(
      unit.raw,
      unit.cellName !== undefined ? `${fileName}.${unit.cellName}` : fileName,
      unit.cellName,
      file,
    ),
  );
  return { problems: sorted, file: { path: file, name: fileName, experiments, notebook: cells !== undefined } };
}
