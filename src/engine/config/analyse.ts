// Reads an experiment file the way every caller needs it: follows `extends`, checks each file
// against the schema, merges files and cells into experiments, runs the semantic rules and places
// every problem at a line and column of the file that wrote the offending value.
import * as path from 'path';
import { findNodeAtLocation } from 'jsonc-parser';
import { buildExperiment } from './build';
import { clone, isObject, type JsonObject, type JsonValue, type Segment } from './json';
import { expandSweep, type SweepPlan } from '../sweep/expand';
import { mergeObjects } from './merge';
import { resolveFilePaths } from './paths';
import { hasErrors, sortProblems, type Problem } from './problems';
import { checkExperiment, type CellContext, type SemanticIssue } from './semantic';
import { validateExperimentShape, validateFileShape } from './schema';
import { parseSource, problemAt, type ProblemMark, type SourceFile } from './source';
import type { Experiment, ExperimentFile } from './types';
import { EXPERIMENT_FILE_LIMIT, readTextFileSafely, type ReadOutcome } from '../io/safeRead';
import { confinementIssues, isInside } from './confine';
import { memoryIssue } from './memoryEstimate';
import type { ShapeFacts } from './modelFit';

export interface Analysis {
  /** Every problem found, errors and warnings, sorted by file and position. */
  problems: Problem[];
  /** The experiments, when there is no error. */
  file?: ExperimentFile;
}

/** Reads a file named by `extends`: its text, or why it cannot be used. */
export type ReadFile = (file: string) => ReadOutcome;

export interface AnalyseOptions {
  /** How files named by `extends` are read; by default only regular files under the size limit. */
  read?: ReadFile;
  /**
   * When given (Restricted Mode), nothing outside these folders is read or looked at: `extends`, data
   * files and saved models outside them are errors instead.
   */
  confineTo?: readonly string[];
  /** Overrides every experiment's `limits.memoryGB`. */
  memoryLimitGB?: number;
  /**
   * The data's shape as read at run start (CSV, IDX and image data state it only in their files), for
   * the experiment of one cell (or of a file without cells): saved models are checked against it.
   */
  dataShape?: { cell?: string; shape: ShapeFacts };
  /**
   * Checks that need more than the file (models built without training, the run store): they run on
   * each resolved experiment of a file that has no error otherwise. Given by the callers that can
   * build models (see src/engine/checks), so this layer stays free of TF.js.
   */
  experimentChecks?: ExperimentCheck;
}

/** Problems of one resolved experiment that its file alone does not show, at paths within the experiment. */
export type ExperimentCheck = (experiment: Experiment, file: ExperimentFile) => SemanticIssue[];

export function readFileOrUndefined(file: string): ReadOutcome {
  return readTextFileSafely(file, EXPERIMENT_FILE_LIMIT);
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
  confineTo: readonly string[] | undefined,
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
    if (confineTo && !isInside(target, confineTo)) {
      problems.add(problemAt(source, ['extends'], `${target} is outside the workspace: not read in Restricted Mode`));
      return { chain, complete: false };
    }
    const outcome = read(target);
    if ('error' in outcome) {
      const message =
        outcome.error === 'file not found'
          ? `extended file not found: ${target}`
          : `extended file ${target}: ${outcome.error}`;
      problems.add(problemAt(source, ['extends'], message));
      return { chain, complete: false };
    }
    current = { file: target, text: outcome.text };
  }
}

// `sweep` is not merged: it belongs to the file or cell that writes it (and is not inherited by `extends`).
const FILE_ONLY_KEYS = ['$schema', 'name', 'extends', 'cells', 'sweep'];

function withoutKeys(value: JsonObject, keys: readonly string[]): JsonObject {
  const result: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (!keys.includes(key)) result[key] = v;
  return result;
}

export function analyseExperimentText(
  filePath: string,
  text: string,
  options: AnalyseOptions | ReadFile = {},
): Analysis {
  const {
    read = readFileOrUndefined,
    confineTo,
    memoryLimitGB,
    dataShape,
    experimentChecks,
  } = typeof options === 'function' ? { read: options } : options;
  const file = path.resolve(filePath);
  const problems = new ProblemList();
  const { chain, complete } = readChain(file, text, read, problems, confineTo);
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
  const units: {
    raw: JsonObject;
    layers: Layer[];
    cell?: CellContext;
    cellName?: string;
    sweep?: { spec: JsonValue; source: SourceFile; prefix: Segment[] };
  }[] = [];
  const rootSource = chain[0];
  if (cells && root.sweep !== undefined && rootSource)
    problems.add(problemAt(rootSource, ['sweep'], 'in a file with cells, "sweep" belongs in the cell it sweeps'));
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
        raw: mergeObjects(top, withoutKeys(cell, ['name', 'sweep'])),
        layers: [{ source: cellsSource, prefix: ['cells', index] }, ...topLayers],
        cell: { index, names },
        cellName: names[index],
        ...(cell.sweep !== undefined
          ? { sweep: { spec: cell.sweep, source: cellsSource, prefix: ['cells', index, 'sweep'] } }
          : {}),
      });
    });
  } else {
    units.push({
      raw: top,
      layers: topLayers,
      ...(root.sweep !== undefined && rootSource
        ? { sweep: { spec: root.sweep, source: rootSource, prefix: ['sweep'] } }
        : {}),
    });
  }

  const placer =
    (unit: (typeof units)[number]) =>
    (
      at: Segment[],
      message: string,
      severity: Problem['severity'],
      contextual: boolean,
      mark?: ProblemMark,
    ): Problem => {
      const owner = ownerOf(unit.layers, at);
      const outsideCell = unit.cell !== undefined && owner !== unit.layers[0];
      const text =
        contextual && outsideCell && unit.cellName !== undefined ? `in cell "${unit.cellName}": ${message}` : message;
      return problemAt(owner.source, [...owner.prefix, ...at], text, severity, mark);
    };
  // Units naming a file outside the allowed folders: the experiment checks must not read it (layer names, CSV header).
  const confined = new Set<number>();
  for (const [index, unit] of units.entries()) {
    const place = placer(unit);
    // The merged experiment's schema check only adds what no single file shows (fields that clash after merging).
    const shapeIssues = validateExperimentShape(unit.raw);
    for (const issue of shapeIssues) problems.addIfNew(place(issue.path, issue.message, 'error', false));
    const outside = confineTo ? confinementIssues(unit.raw, confineTo) : [];
    for (const issue of outside) problems.add(place(issue.path, issue.message, 'error', false));
    if (outside.length > 0) confined.add(index);
    const shape = dataShape && dataShape.cell === unit.cellName ? dataShape.shape : undefined;
    const issues = checkExperiment(unit.raw, unit.cell, { skipPaths: outside.map((o) => o.path), dataShape: shape });
    for (const issue of issues)
      problems.add(place(issue.path, issue.message, issue.severity, issue.contextual ?? false, issue.mark));
    // Only a well-formed experiment is estimated: otherwise an error already says what is wrong.
    const wellFormed = shapeIssues.length === 0 && outside.length === 0 && !issues.some((i) => i.severity === 'error');
    const memory = wellFormed ? memoryIssue(unit.raw, memoryLimitGB) : undefined;
    if (memory) problems.add(place(memory.path, memory.message, 'error', false));
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
  if (experimentChecks) {
    const partial: ExperimentFile = { path: file, name: fileName, experiments, notebook: cells !== undefined };
    units.forEach((unit, i) => {
      const experiment = experiments[i];
      if (!experiment || confined.has(i)) return;
      const place = placer(unit);
      for (const issue of experimentChecks(experiment, partial))
        problems.add(place(issue.path, issue.message, issue.severity, issue.contextual ?? false, issue.mark));
    });
  }
  const sweeps: Record<string, SweepPlan> = {};
  units.forEach((unit, i) => {
    const experiment = experiments[i];
    if (!unit.sweep || !experiment) return;
    const { plan, problems: found } = expandSweep(
      { ...unit.sweep, raw: unit.raw, base: experiment, cell: unit.cell },
      experiment.name,
      experiment.cell,
    );
    found.forEach((p) => problems.add(p));
    if (plan) sweeps[experiment.name] = plan;
  });
  const all = sortProblems(problems.items);
  if (hasErrors(all)) return { problems: all };
  return {
    problems: all,
    file: {
      path: file,
      name: fileName,
      experiments,
      notebook: cells !== undefined,
      ...(Object.keys(sweeps).length > 0 ? { sweeps } : {}),
    },
  };
}
