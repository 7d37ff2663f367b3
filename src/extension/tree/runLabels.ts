// What a run is called in the Runs view: the user's name for it (meta.json), else its swept values,
// else the settings in which it differs from the other runs of its experiment, else its number and
// start time. A timestamp alone says nothing about what a run was; these say what it tried.
import type { Experiment, LossSpec, ModelSpec } from '../../engine/config/types';
import type { RunInfo } from '../../engine/store/runStore';

/** Settings that never tell runs apart for a user (where the run came from, the sweep's bookkeeping). */
const IGNORED = new Set(['name', 'cell', 'sourceFile', 'sweep', 'backend']);
const MAX_DIFFERENCES = 3;

function formatValue(value: unknown): string {
  if (typeof value === 'number') return String(Number(value.toPrecision(4)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The leaves of a resolved config: `train.optimizer.lr` → 0.01; arrays of numbers stay one leaf. */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) out.set(prefix, formatValue(value));
    else value.forEach((v, i) => flattenConfig(v, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (prefix === '' && IGNORED.has(key)) continue;
      flattenConfig(v, prefix ? `${prefix}.${key}` : key, out);
    }
  } else if (value !== undefined) {
    out.set(prefix, formatValue(value));
  }
  return out;
}

/** A config path as a user reads it: `distill.losses[1].temperature` → `kd.temperature`. */
export function shortKey(key: string, config: Experiment | undefined): string {
  const loss = /losses\[(\d+)\]\.(\w+)$/.exec(key);
  if (loss) {
    const type = config?.distill.losses[Number(loss[1])]?.type;
    if (type) return `${type}.${loss[2]}`;
  }
  const parts = key.split('.');
  const last = parts[parts.length - 1];
  // "student.hidden" and "teacher.hidden" would read the same as "hidden".
  return parts.length > 1 && (parts[0] === 'student' || parts[0] === 'teacher') ? `${parts[0]}.${last}` : last;
}

function sweptText(run: RunInfo): string | undefined {
  const sweep = run.config?.sweep;
  if (!sweep) return undefined;
  const values = Object.entries(sweep.params).map(([k, v]) => `${shortKey(k, run.config)}=${formatValue(v)}`);
  return [...values, `seed ${sweep.seed}`].join(' · ');
}

/** "Dec 2, 16:20" from a run id (20261202-162015-3fa9) or its start time. */
export function startText(run: RunInfo): string {
  const id = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})/.exec(run.runId);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  if (id) return `${months[Number(id[2]) - 1] ?? id[2]} ${Number(id[3])}, ${id[4]}:${id[5]}`;
  return run.runId;
}

/**
 * Labels for the runs of one experiment (any order), keyed by run folder. `names` holds the user's
 * names from meta.json. Runs are numbered from the oldest, so "#3" stays "#3" as newer runs come.
 */
export function runLabels(runs: readonly RunInfo[], names: ReadonlyMap<string, string>): Map<string, string> {
  const oldestFirst = [...runs].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  const flat = new Map(oldestFirst.map((r) => [r.dir, r.config ? flattenConfig(r.config) : new Map<string, string>()]));
  const keys = new Set([...flat.values()].flatMap((m) => [...m.keys()]));
  const differing = [...keys].filter((key) => new Set([...flat.values()].map((m) => m.get(key) ?? '∅')).size > 1);
  const labels = new Map<string, string>();
  oldestFirst.forEach((run, i) => {
    const name = names.get(run.dir);
    if (name) return labels.set(run.dir, name);
    const swept = sweptText(run);
    if (swept) return labels.set(run.dir, swept);
    const own = flat.get(run.dir)!;
    const parts = differing
      .filter((key) => own.has(key))
      .slice(0, MAX_DIFFERENCES)
      .map((key) => `${shortKey(key, run.config)}=${own.get(key)}`);
    const more = differing.filter((key) => own.has(key)).length > MAX_DIFFERENCES ? ' …' : '';
    labels.set(run.dir, parts.length > 0 ? `${parts.join(' · ')}${more}` : `#${i + 1} · ${startText(run)}`);
  });
  return labels;
}

function modelText(model: ModelSpec | undefined): string | undefined {
  if (!model) return undefined;
  if ('fromCell' in model) return `from cell ${model.fromCell}`;
  if ('load' in model) return `loaded ${model.load}`;
  if ('layers' in model && Array.isArray(model.layers)) return `${model.layers.length} layers`;
  const { preset, ...rest } = model as { preset: string } & Record<string, unknown>;
  const size = Object.entries(rest)
    .filter(([, v]) => typeof v === 'number' || Array.isArray(v))
    .slice(0, 3)
    .map(([k, v]) => `${k} ${formatValue(v)}`);
  return size.length > 0 ? `${preset} (${size.join(', ')})` : preset;
}

function lossText(loss: LossSpec): string {
  const extra = 'temperature' in loss ? ` T=${formatValue(loss.temperature)}` : '';
  return `${loss.type} ×${formatValue(loss.weight)}${extra}`;
}

/** The key hyper-parameters of a run as "name: value" pairs, for its tooltip. */
export function keyHyperParameters(config: Experiment | undefined): [string, string][] {
  if (!config) return [];
  const rows: [string, string][] = [];
  const teacher = modelText(config.teacher);
  if (teacher) rows.push(['teacher', teacher]);
  rows.push(['student', modelText(config.student) ?? '—']);
  if (config.distill.losses.length > 0) rows.push(['losses', config.distill.losses.map(lossText).join(', ')]);
  if (config.distill.scheme !== 'offline') rows.push(['scheme', config.distill.scheme]);
  const { optimizer } = config.train;
  rows.push([
    'training',
    `${config.train.epochs} epochs · batch ${config.train.batchSize} · ${optimizer.type} lr ${formatValue(optimizer.lr)}`,
  ]);
  rows.push(['seed', String(config.seed)]);
  if (config.baseline) rows.push(['baseline', 'trained alongside']);
  return rows;
}
