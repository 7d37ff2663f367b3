// Rules the schema cannot state: files that must exist, cells that must come earlier, losses that
// need a teacher, fields a scheme needs. They run on one merged experiment (before defaults) and
// only judge values of the right shape, so a schema error is not reported twice in other words.
import * as fs from 'fs';
import { DEFAULT_KINDS, DEFAULTS } from './defaults';
import { isObject, type JsonObject, type JsonValue, type Segment, valueAt } from './json';
import { mergeJson } from './merge';
import { DATA_PATH_FIELDS, FOLDER_DATASETS, modelPaths } from './paths';
import { kdSchema } from './schemaDocument';
import { CIFAR_URL, FASHION_MNIST_URL } from '../data/downloads';
import { MODEL_KINDS } from './schemaErrors';
import { byLikeness, suggestion } from './suggest';
import type { ProblemMark } from './source';
import { kindOf } from '../io/safeRead';
import { manifestProblems } from './manifest';
import { knownDataShape, modelFitProblems, type ShapeFacts } from './modelFit';

export interface SemanticIssue {
  /** Path within the experiment. */
  path: Segment[];
  message: string;
  severity: 'error' | 'warning';
  /** True when the problem depends on the cell (so it is named when the value sits outside it). */
  contextual?: boolean;
  /** Marks only the value, and the values that would fix it (quick fixes). */
  mark?: ProblemMark;
}

export interface CellContext {
  /** Index of this experiment's cell. */
  index: number;
  /** Names of all cells in order (undefined where a cell has no valid name). */
  names: (string | undefined)[];
}

// The loss types of the schema (generated from the loss definitions).
const KNOWN_LOSSES = Object.keys(DEFAULTS.losses);
const TEACHER_SCHEMES = ['offline', 'assistant'];

function quoteList(items: readonly string[]): string {
  const quoted = items.map((i) => `"${i}"`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

const variantTables = new Map<string, Record<string, string[]>>();

/** The keys each variant of a discriminated definition allows (from the schema's `then` branches). */
function variantKeys(definition: string): Record<string, string[]> {
  const cached = variantTables.get(definition);
  if (cached) return cached;
  const def = (kdSchema.definitions as JsonObject)[definition] as JsonObject;
  const table: Record<string, string[]> = {};
  for (const item of (def.allOf as JsonValue[]) ?? []) {
    if (!isObject(item) || !isObject(item.if) || !isObject(item.then)) continue;
    const condition = valueAt(item.if, ['properties', 'type', 'const']);
    if (typeof condition === 'string' && isObject(item.then.properties))
      table[condition] = Object.keys(item.then.properties);
  }
  variantTables.set(definition, table);
  return table;
}

export interface CheckOptions {
  /** Paths already reported (e.g. outside the workspace in Restricted Mode) whose files must not be looked at. */
  skipPaths?: readonly Segment[][];
  /** The data's shape as read from its files (at run start), for datasets whose shape the experiment does not state. */
  dataShape?: ShapeFacts;
}

export function checkExperiment(
  experiment: JsonObject,
  cell: CellContext | undefined,
  options: CheckOptions = {},
): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const skipped = new Set((options.skipPaths ?? []).map((p) => JSON.stringify(p)));
  const statAt = (at: Segment[], file: string) => (skipped.has(JSON.stringify(at)) ? 'skip' : statOf(file));
  const error = (path: Segment[], message: string, contextual = false) =>
    issues.push({ path, message, severity: 'error', contextual });
  const warning = (path: Segment[], message: string, contextual = false) =>
    issues.push({ path, message, severity: 'warning', contextual });

  checkData(experiment, error, statAt);
  checkModels(experiment, cell, error, statAt, options.dataShape ?? knownDataShape(experiment.data), issues);
  checkTrainKinds(experiment, error);
  checkDistill(experiment, error, warning);
  return issues;
}

type Report = (path: Segment[], message: string, contextual?: boolean) => void;
type StatAt = (at: Segment[], file: string) => fs.Stats | undefined | 'skip';

function checkData(experiment: JsonObject, error: Report, statAt: StatAt): void {
  const data = experiment.data;
  if (data === undefined) {
    error(['data'], 'required: every experiment needs data, e.g. "data": { "dataset": "mnist" }', true);
    return;
  }
  if (!isObject(data)) return;
  if (data.dataset === undefined) {
    error(
      ['data', 'dataset'],
      'required: expected one of mnist, fashion-mnist, cifar10, cifar100, idx, csv, images, synthetic',
      true,
    );
    return;
  }
  checkDataFiles(data, ['data'], error, statAt);
  const unlabeled = data.unlabeled;
  if (isObject(unlabeled)) {
    if (unlabeled.dataset === undefined)
      error(
        ['data', 'unlabeled', 'dataset'],
        'required: unlabeled data names its source, e.g. { "dataset": "mnist", "trainRange": [1000, 21000] }',
      );
    if (unlabeled.unlabeled !== undefined)
      error(['data', 'unlabeled', 'unlabeled'], 'unlabeled data cannot have unlabeled data of its own');
    for (const key of ['validationSplit', 'augment', 'testLimit'] as const)
      if (unlabeled[key] !== undefined)
        error(
          ['data', 'unlabeled', key],
          `not used for unlabeled data (all its training examples are pseudo-labelled${key === 'augment' ? '; noise on the student is distill.noise.augment' : ''}); remove it`,
        );
    checkDataFiles(unlabeled, ['data', 'unlabeled'], error, statAt);
  }
  if (isRange(data.trainRange) === false) error(['data', 'trainRange'], RANGE_EXPECTED);
  if (isObject(unlabeled) && isRange(unlabeled.trainRange) === false)
    error(['data', 'unlabeled', 'trainRange'], RANGE_EXPECTED);
}

const RANGE_EXPECTED = 'expected [start, end] with whole numbers 0 ≤ start < end (training examples start … end − 1)';

/** undefined when absent; whether a present trainRange is ordered (the schema checks its shape). */
function isRange(value: JsonValue | undefined): boolean | undefined {
  if (!Array.isArray(value)) return undefined;
  const [start, end] = value;
  if (typeof start !== 'number' || typeof end !== 'number') return undefined;
  return start < end;
}

function checkDataFiles(data: JsonObject, at: Segment[], error: Report, statAt: StatAt): void {
  const fields = typeof data.dataset === 'string' ? DATA_PATH_FIELDS[data.dataset] : undefined;
  for (const field of fields ?? []) {
    const file = data[field];
    if (typeof file !== 'string' || file.length === 0) continue;
    const stat = statAt([...at, field], file);
    if (stat === 'skip') continue;
    const wantsFolder = FOLDER_DATASETS.includes(data.dataset as string);
    if (!stat)
      error([...at, field], `${wantsFolder ? 'folder' : 'file'} not found: ${file}${whereToGet(data.dataset)}`);
    else if (wantsFolder && !stat.isDirectory())
      error(
        [...at, field],
        `expected a folder${data.dataset === 'images' ? ' with one sub-folder per class' : ''}, found a file: ${file}`,
      );
    else if (!wantsFolder && stat.isDirectory()) error([...at, field], `expected a file, found a folder: ${file}`);
    else if (!wantsFolder && !stat.isFile())
      error([...at, field], `expected a regular file, found ${kindOf(stat)}: ${file}`);
  }
}

/** Where a dataset that does not ship with the extension can be downloaded. */
function whereToGet(dataset: unknown): string {
  if (dataset === 'cifar10' || dataset === 'cifar100')
    return `; download the binary version from ${CIFAR_URL} and extract it there`;
  if (dataset === 'fashion-mnist')
    return `; download the four IDX files from ${FASHION_MNIST_URL} (data/fashion) into it`;
  return '';
}

function checkModels(
  experiment: JsonObject,
  cell: CellContext | undefined,
  error: Report,
  statAt: StatAt,
  dataShape: ShapeFacts,
  issues: SemanticIssue[],
): void {
  if (experiment.student === undefined)
    error(['student'], `required: the model to train, given by ${quoteList([...MODEL_KINDS])}`, true);
  for (const at of modelPaths(experiment)) {
    const model = valueAt(experiment, at) as JsonObject;
    const kinds = MODEL_KINDS.filter((k) => k in model);
    if (kinds.length === 0) error(at, `needs one of ${quoteList([...MODEL_KINDS])}`, true);
    if (typeof model.load === 'string' && model.load.length > 0) {
      const stat = statAt([...at, 'load'], model.load);
      if (stat === 'skip') {
        // Reported by the confinement check; nothing outside is looked at.
      } else if (!stat) error([...at, 'load'], `model file not found: ${model.load}`);
      else if (stat.isDirectory()) error([...at, 'load'], `expected a model.json file, found a folder: ${model.load}`);
      else if (!stat.isFile())
        error([...at, 'load'], `expected a model.json file, found ${kindOf(stat)}: ${model.load}`);
      else {
        for (const message of manifestProblems(model.load)) error([...at, 'load'], message);
        for (const message of modelFitProblems(model.load, dataShape)) error(at, message);
      }
    }
    if (typeof model.fromCell === 'string' && model.fromCell.length > 0)
      checkFromCell(model.fromCell, [...at, 'fromCell'], cell, error, (path, message, mark) =>
        issues.push({ path, message, severity: 'error', contextual: true, mark }),
      );
  }
}

function checkFromCell(
  name: string,
  at: Segment[],
  cell: CellContext | undefined,
  error: Report,
  misspelt: (path: Segment[], message: string, mark: ProblemMark) => void,
): void {
  if (!cell) {
    error(at, `fromCell "${name}" needs a file with "cells": it names the cell whose trained model is reused`);
    return;
  }
  const earlier = cell.names.slice(0, cell.index).filter((n): n is string => n !== undefined);
  const index = cell.names.indexOf(name);
  const listing = earlier.length ? `the earlier cells are ${earlier.join(', ')}` : 'there is no earlier cell';
  if (index === cell.index)
    error(at, `fromCell must name an earlier cell, not the cell itself ("${name}"); ${listing}`, true);
  else if (index > cell.index)
    error(at, `fromCell must name an earlier cell: "${name}" comes after this cell; ${listing}`, true);
  else if (index < 0)
    misspelt(at, `no cell named "${name}"${suggestion(name, earlier)}; ${listing}`, {
      valueOnly: true,
      replacements: byLikeness(name, earlier),
    });
}

/** An optimizer or schedule without `type` is Adam or constant, or refines an inherited one: its fields must fit that kind. */
function checkTrainKinds(experiment: JsonObject, error: Report): void {
  const budgets: { at: Segment[]; own: JsonValue | undefined; resolved: JsonValue | undefined }[] = [
    { at: ['train'], own: experiment.train, resolved: experiment.train },
  ];
  for (const at of modelPaths(experiment)) {
    const own = valueAt(experiment, [...at, 'train']);
    if (isObject(own)) budgets.push({ at: [...at, 'train'], own, resolved: mergeJson(experiment.train, own) });
  }
  for (const { at, own, resolved } of budgets) {
    checkStepSchedule(valueAt(resolved, ['schedule']), [...at, 'schedule'], error);
    for (const part of ['optimizer', 'schedule'] as const) {
      const written = valueAt(own, [part]);
      if (!isObject(written) || written.type !== undefined) continue;
      const inherited = valueAt(resolved, [part, 'type']);
      const type = typeof inherited === 'string' ? inherited : DEFAULT_KINDS[part];
      const allowed = variantKeys(part)[type];
      if (!allowed) continue;
      for (const key of Object.keys(written)) {
        if (!allowed.includes(key)) {
          const which =
            typeof inherited === 'string' ? `the inherited ${part} "${type}"` : `the default ${part} "${type}"`;
          error(
            [...at, part, key],
            `"${key}" does not apply to ${which}; set "type" or use one of ${allowed.join(', ')}`,
            true,
          );
        }
      }
    }
  }
}

/** A step schedule decays every `stepSize` epochs or at listed `milestones`: exactly one, milestones ascending. */
function checkStepSchedule(schedule: JsonValue | undefined, at: Segment[], error: Report): void {
  if (!isObject(schedule) || schedule.type !== 'step') return;
  const { stepSize, milestones } = schedule;
  if (stepSize === undefined && milestones === undefined)
    error(
      at,
      'a step schedule needs "stepSize" (decay every N epochs) or "milestones" (decay after the listed epochs)',
      true,
    );
  else if (stepSize !== undefined && milestones !== undefined)
    error([...at, 'milestones'], 'give either "stepSize" or "milestones", not both', true);
  else if (
    Array.isArray(milestones) &&
    milestones.some((m, i) => i > 0 && (m as number) <= (milestones[i - 1] as number))
  )
    error([...at, 'milestones'], `milestones must ascend, e.g. [150, 180, 210] (got [${milestones.join(', ')}])`, true);
}

/** The loss lists of an experiment with their paths: `distill.losses` and each stage's. */
function lossLists(distill: JsonObject): { at: Segment[]; losses: JsonValue[] }[] {
  const lists: { at: Segment[]; losses: JsonValue[] }[] = [];
  if (Array.isArray(distill.stages) && distill.stages.length > 0) {
    distill.stages.forEach((stage, i) => {
      if (isObject(stage) && Array.isArray(stage.losses))
        lists.push({ at: ['distill', 'stages', i, 'losses'], losses: stage.losses });
    });
  } else if (Array.isArray(distill.losses)) {
    lists.push({ at: ['distill', 'losses'], losses: distill.losses });
  }
  return lists;
}

function checkDistill(experiment: JsonObject, error: Report, warning: Report): void {
  const distill = isObject(experiment.distill) ? experiment.distill : {};
  const scheme = typeof distill.scheme === 'string' ? distill.scheme : DEFAULTS.distill.scheme;
  const hasTeacher = isObject(experiment.teacher);
  const teacherHasKind = hasTeacher && MODEL_KINDS.some((k) => k in (experiment.teacher as JsonObject));
  const lists = lossLists(distill);
  const hasUnlabeled = isObject(experiment.data) && isObject(experiment.data.unlabeled);
  if (hasUnlabeled && scheme !== 'noisyStudent')
    warning(['data', 'unlabeled'], `used only by scheme "noisyStudent" (this experiment's is "${scheme}")`, true);

  let usesTeacher = false;
  let allKnown = true;
  for (const { at, losses } of lists) {
    const known = losses.filter(
      (l): l is JsonObject => isObject(l) && typeof l.type === 'string' && KNOWN_LOSSES.includes(l.type),
    );
    if (known.length !== losses.length) allKnown = false;
    losses.forEach((loss, i) => {
      if (!isObject(loss) || typeof loss.type !== 'string' || !KNOWN_LOSSES.includes(loss.type)) return;
      if (loss.type !== 'ce') usesTeacher = true;
      if (loss.type !== 'ce' && scheme === 'noisyStudent')
        error(
          [...at, i, 'type'],
          `scheme "noisyStudent" trains each round with "ce" on labels and pseudo-labels (the teacher speaks through them); "${loss.type}" would need its outputs per batch`,
          true,
        );
      if (loss.type !== 'ce' && TEACHER_SCHEMES.includes(scheme) && !hasTeacher) {
        error(
          [...at, i, 'type'],
          `loss "${loss.type}" needs a teacher; set "teacher" (a preset, layers, load or fromCell) or use only "ce"`,
          true,
        );
      }
      if (loss.type === 'fsp') {
        for (const side of ['teacherLayers', 'studentLayers']) {
          const pair = loss[side];
          if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && pair[0] === pair[1]) {
            error(
              [...at, i, side],
              `an fsp pair needs two different layers (the start and the end of a block), got "${pair[0]}" twice`,
            );
          }
        }
      }
    });
    if (known.length === losses.length && known.length > 0 && known.every((l) => l.weight === 0)) {
      error(at, 'every loss weight is 0: nothing would be trained; give at least one term a positive weight');
    }
  }

  if (Array.isArray(distill.stages)) {
    const seen = new Map<string, number>();
    distill.stages.forEach((stage, i) => {
      if (!isObject(stage) || typeof stage.name !== 'string') return;
      if (seen.has(stage.name))
        error(
          ['distill', 'stages', i, 'name'],
          `duplicate stage name "${stage.name}" (also stage ${(seen.get(stage.name) ?? 0) + 1})`,
        );
      else seen.set(stage.name, i);
    });
  }

  const needs = (field: string, what: string) => {
    const value = distill[field];
    if (value === undefined || (Array.isArray(value) && value.length === 0))
      error(['distill', field], `required with scheme "${scheme}": ${what}`, true);
  };
  switch (scheme) {
    case 'offline':
      if (teacherHasKind && allKnown && !usesTeacher) {
        const why = lists.length > 0 ? 'only "ce"' : 'the default losses are [{ "type": "ce", "weight": 1 }]';
        warning(
          ['teacher'],
          `no loss term uses the teacher (${why}); add a term such as { "type": "kd", "weight": 0.9 } or remove the teacher`,
          true,
        );
      }
      break;
    case 'online':
      needs('peers', 'the models trained together with the student (the student is peer 1)');
      if (hasTeacher) warning(['teacher'], 'ignored with scheme "online": the peers teach each other', true);
      break;
    case 'assistant':
      needs('assistants', 'the intermediate models, from the largest to the smallest');
      if (!hasTeacher)
        error(['teacher'], 'required with scheme "assistant": the teacher the first assistant learns from', true);
      break;
    case 'multiTeacher':
      needs('teachers', 'the teachers whose outputs are combined');
      if (hasTeacher)
        warning(['teacher'], 'ignored with scheme "multiTeacher": "distill.teachers" lists the teachers', true);
      break;
    case 'noisyStudent':
      if (!hasTeacher)
        error(
          ['teacher'],
          'required with scheme "noisyStudent": the first teacher, which pseudo-labels data.unlabeled (trained on the labelled data first when it is a model to build)',
          true,
        );
      if (!hasUnlabeled)
        error(
          ['distill', 'scheme'],
          'scheme "noisyStudent" needs data.unlabeled: the examples the teacher pseudo-labels, e.g. "unlabeled": { "dataset": "mnist", "trainRange": [1000, 21000] }',
          true,
        );
      if (Array.isArray(distill.students)) {
        const rounds = typeof distill.iterations === 'number' ? distill.iterations : 2;
        if (distill.students.length !== rounds)
          error(
            ['distill', 'students'],
            `expected one model per round: ${rounds} round${rounds === 1 ? '' : 's'} (iterations), ${distill.students.length} model${distill.students.length === 1 ? '' : 's'}`,
            true,
          );
        distill.students.forEach((spec, i) => {
          if (isObject(spec) && ('load' in spec || 'fromCell' in spec))
            error(
              ['distill', 'students', i],
              'a round trains a fresh student: expected "layers" or "preset", not a saved or reused model',
              true,
            );
        });
      }
      break;
    case 'self':
      if (distill.selfMode === 'exits')
        needs('exits', 'the names of the student layers that get an auxiliary classifier');
      break;
  }
  if (scheme === 'multiTeacher' && distill.teacherWeighting === 'weights') {
    const weights = distill.teacherWeights;
    const teachers = Array.isArray(distill.teachers) ? distill.teachers.length : 0;
    if (!Array.isArray(weights))
      error(['distill', 'teacherWeights'], 'required with teacherWeighting "weights": one weight per teacher', true);
    else if (teachers > 0 && weights.length !== teachers)
      error(
        ['distill', 'teacherWeights'],
        `expected one weight per teacher: ${teachers} teacher${teachers === 1 ? '' : 's'}, ${weights.length} weight${weights.length === 1 ? '' : 's'}`,
        true,
      );
  }
}
