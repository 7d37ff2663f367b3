// A smaller budget laid over an example: fewer epochs, a slice of the data, fewer seeds. `--quick`
// (the pipeline check CI runs) and the reduced budgets measured on small machines both go through
// here, so a table always states the budget it was measured with.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Budget {
  epochs?: number;
  /** Epochs of the cell named "teacher" (the teacher trained first): it may need more than its students. */
  teacherEpochs?: number;
  /** Cap on the training examples (before the validation split). */
  trainLimit?: number;
  testLimit?: number;
  maxStepsPerEpoch?: number;
  /** Keep only the grid's loss lists that use one of these loss types (a part of a methods table). */
  methods?: string[];
  /** Keep the first N seeds of each sweep. */
  seeds?: number;
  /** Replace the `path` of every data section (a generated data set for the quick run). */
  dataPath?: string;
}

export const QUICK: Budget = { epochs: 1, trainLimit: 512, testLimit: 256, maxStepsPerEpoch: 4, seeds: 2 };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function capped(current: Json | undefined, cap: number): number {
  return typeof current === 'number' ? Math.min(current, cap) : cap;
}

/** Lays the budget over one level (the file or a cell): its `data`, `train` and `sweep`. */
function applyLevel(level: JsonObject, budget: Budget, topLevel: boolean, inherited?: Json): void {
  const data = level.data;
  if (isObject(data)) {
    if (budget.trainLimit !== undefined) data.trainLimit = capped(data.trainLimit, budget.trainLimit);
    if (budget.testLimit !== undefined) data.testLimit = capped(data.testLimit, budget.testLimit);
    if (budget.dataPath !== undefined && typeof data.path === 'string') data.path = budget.dataPath;
  }
  const epochs = level.name === 'teacher' && budget.teacherEpochs !== undefined ? budget.teacherEpochs : budget.epochs;
  if (topLevel || isObject(level.train) || epochs !== budget.epochs) {
    const train = isObject(level.train) ? level.train : {};
    if (epochs !== undefined) train.epochs = capped(train.epochs ?? inherited, epochs);
    if (budget.maxStepsPerEpoch !== undefined)
      train.maxStepsPerEpoch = capped(train.maxStepsPerEpoch, budget.maxStepsPerEpoch);
    if (Object.keys(train).length > 0) level.train = train;
  }
  const sweep = level.sweep;
  if (isObject(sweep) && isObject(sweep.grid) && Array.isArray(sweep.grid['distill.losses']) && budget.methods) {
    const wanted = budget.methods;
    const uses = (losses: Json): boolean =>
      Array.isArray(losses) && losses.some((l) => isObject(l) && typeof l.type === 'string' && wanted.includes(l.type));
    const kept = sweep.grid['distill.losses'].filter(uses);
    if (kept.length === 0) throw new Error(`--methods ${wanted.join(',')}: none of the example's loss lists uses them`);
    sweep.grid['distill.losses'] = kept;
  }
  if (isObject(sweep) && budget.seeds !== undefined) {
    if (Array.isArray(sweep.seeds)) sweep.seeds = sweep.seeds.slice(0, budget.seeds);
    if (typeof sweep.repeats === 'number') sweep.repeats = Math.min(sweep.repeats, budget.seeds);
  }
}

/** A copy of the example with the budget applied to the file's settings and to every cell. */
export function applyBudget(example: JsonObject, budget: Budget): JsonObject {
  const copy = JSON.parse(JSON.stringify(example)) as JsonObject;
  const fileEpochs = isObject(copy.train) ? copy.train.epochs : undefined;
  applyLevel(copy, budget, true);
  for (const cell of Array.isArray(copy.cells) ? copy.cells : [])
    if (isObject(cell)) applyLevel(cell, budget, false, fileEpochs);
  return copy;
}

/** The budget in words, for the header of a results table. */
export function describeBudget(budget: Budget): string {
  const parts: string[] = [];
  if (budget.epochs !== undefined) parts.push(`at most ${budget.epochs} epoch${budget.epochs === 1 ? '' : 's'}`);
  if (budget.teacherEpochs !== undefined) parts.push(`at most ${budget.teacherEpochs} for the teacher cell`);
  if (budget.maxStepsPerEpoch !== undefined) parts.push(`${budget.maxStepsPerEpoch} steps per epoch`);
  if (budget.trainLimit !== undefined) parts.push(`${budget.trainLimit} training examples`);
  if (budget.testLimit !== undefined) parts.push(`${budget.testLimit} test examples`);
  if (budget.methods !== undefined) parts.push(`methods ${budget.methods.join(', ')} only`);
  if (budget.seeds !== undefined) parts.push(`${budget.seeds} seed${budget.seeds === 1 ? '' : 's'}`);
  return parts.length ? parts.join(', ') : "the example's own budget";
}
