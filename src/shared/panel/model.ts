// The experiment panel's view model and the reducer that folds run events into it. Pure: no DOM,
// no VS Code. The host folds a stored run with it to push the whole view model; the webview folds
// the live events that follow with the same function, so both sides agree by construction.
//
// The history columns (losses per step, metrics per epoch) grow in place: a run has up to
// hundreds of thousands of steps, and copying every column on every event would make live updates
// quadratic. Every other part of the view is replaced, never mutated, so a renderer can tell what
// changed by identity.
import type { RunEvent, StageRole } from '../../protocol/events';
import type {
  DescribeView,
  EpochSeries,
  LossSeries,
  PanelTarget,
  PanelViewModel,
  StageView,
} from '../../protocol/webview';
import { lowerBound } from '../decimate';
import { panelTitle } from '../panelTitle';
import { roleOfStage } from '../stages';

export const MAX_LOG_LINES = 200;

export function emptyView(target?: PanelTarget, title = ''): PanelViewModel {
  return {
    title: title || panelTitle(target),
    target,
    describe: { status: 'idle' },
    models: {},
    links: [],
    stages: [],
    metrics: {},
    logs: [],
  };
}

function emptyLoss(): LossSeries {
  return { step: [], epoch: [], terms: {}, total: [], lr: [] };
}

function emptyHistory(): EpochSeries {
  return { epoch: [], trainAcc: [], valAcc: [], trainLoss: [], valLoss: [], lr: [] };
}

function newStage(name: string, role: StageRole): StageView {
  return {
    name,
    role,
    plannedEpochs: 0,
    stepsPerEpoch: 0,
    terms: [],
    status: 'running',
    loss: emptyLoss(),
    history: emptyHistory(),
  };
}

/** Drops the points from index `n` on, in every column of a loss series. */
function truncateLoss(loss: LossSeries, n: number): void {
  loss.step.length = n;
  loss.epoch.length = n;
  loss.total.length = n;
  loss.lr.length = n;
  for (const column of Object.values(loss.terms)) column.length = n;
}

function truncateHistory(history: EpochSeries, n: number): void {
  for (const column of Object.values(history) as unknown[][]) column.length = n;
}

/** Replaces one stage (or appends it) and returns the new stage list. */
function withStage(
  view: PanelViewModel,
  name: string,
  role: StageRole | undefined,
  update: (stage: StageView) => StageView,
): StageView[] {
  const index = view.stages.findIndex((s) => s.name === name);
  const existing = view.stages[index];
  if (!existing) return [...view.stages, update(newStage(name, role ?? roleOfStage(name)))];
  const stages = view.stages.slice();
  stages[index] = update({ ...existing });
  return stages;
}

function appendStep(stage: StageView, event: Extract<RunEvent, { type: 'step' }>): StageView {
  const loss = stage.loss;
  // A resumed run repeats the steps after its last checkpoint: the replay replaces them.
  const last = loss.step[loss.step.length - 1];
  if (last !== undefined && event.globalStep <= last) truncateLoss(loss, lowerBound(loss.step, event.globalStep));
  const n = loss.step.length;
  let terms = stage.terms;
  for (const name of Object.keys(event.losses)) {
    if (!terms.includes(name)) terms = [...terms, name];
    if (!loss.terms[name]) loss.terms[name] = new Array<number | null>(n).fill(null);
  }
  loss.step.push(event.globalStep);
  loss.epoch.push(event.epoch);
  loss.total.push(event.total);
  loss.lr.push(event.lr);
  for (const [name, column] of Object.entries(loss.terms)) {
    const value = event.losses[name];
    column.push(value === undefined ? null : value);
  }
  return { ...stage, terms, samplesPerSec: event.samplesPerSec, status: 'running' };
}

function appendEpoch(stage: StageView, event: Extract<RunEvent, { type: 'epoch' }>): StageView {
  const history = stage.history;
  truncateHistory(history, lowerBound(history.epoch, event.epoch));
  history.epoch.push(event.epoch);
  history.trainAcc.push(event.trainAcc);
  history.valAcc.push(event.valAcc);
  history.trainLoss.push(event.trainLoss);
  history.valLoss.push(event.valLoss);
  history.lr.push(event.lr);
  return { ...stage, plannedEpochs: Math.max(stage.plannedEpochs, event.epochs) };
}

/** Folds one run event into the view model. */
export function reduce(view: PanelViewModel, event: RunEvent): PanelViewModel {
  switch (event.type) {
    case 'run-start':
      return {
        ...view,
        // The one title format, the same the host gives the panel's tab: "<file> · <cell>".
        title: panelTitle({ kind: 'file', file: event.sourceFile, cell: event.cell }),
        run: {
          ...view.run,
          runId: event.runId,
          experiment: event.experiment,
          cell: event.cell,
          sourceFile: event.sourceFile,
          backend: event.backend,
          backendNotes: event.backendNotes,
          status: 'running',
          // A resumed run appends a second run-start: the run began with the first.
          startedAt: view.run?.runId === event.runId ? (view.run.startedAt ?? event.time) : event.time,
          endedAt: undefined,
          error: undefined,
        },
        resumePending: event.resumed || undefined,
      };
    case 'models':
      return { ...view, models: event.models, links: event.links, modelsFrom: 'run' };
    case 'stage-start':
      return {
        ...view,
        stages: withStage(view, event.stage, event.role, (stage) => {
          if (event.startEpoch > 1) {
            // Resuming at an epoch drops what was recorded from that epoch on: it is run again.
            truncateLoss(stage.loss, lowerBound(stage.loss.epoch, event.startEpoch));
            truncateHistory(stage.history, lowerBound(stage.history.epoch, event.startEpoch));
          }
          const terms = [...event.terms, ...stage.terms.filter((t) => !event.terms.includes(t))];
          return {
            ...stage,
            role: event.role,
            plannedEpochs: event.epochs,
            stepsPerEpoch: event.stepsPerEpoch,
            terms,
            status: 'running',
          };
        }),
      };
    case 'step': {
      const stages = withStage(view, event.stage, undefined, (stage) => {
        const next = appendStep(stage, event);
        // The first step after a resume (the replayed ones already dropped) is where the run carried on.
        return view.resumePending
          ? { ...next, resumes: [...(stage.resumes ?? []), { step: event.globalStep, epoch: event.epoch }] }
          : next;
      });
      return { ...view, stages, resumePending: undefined };
    }
    case 'epoch':
      return { ...view, stages: withStage(view, event.stage, undefined, (stage) => appendEpoch(stage, event)) };
    case 'checkpoint':
      return view;
    case 'stage-end':
      return {
        ...view,
        stages: withStage(view, event.stage, event.metrics.role, (stage) => ({ ...stage, status: 'done' })),
        metrics: { ...view.metrics, [event.stage]: event.metrics },
      };
    case 'summary': {
      const s = event.summary;
      return {
        ...view,
        title: s.experiment || view.title,
        summary: s,
        metrics: { ...view.metrics, ...s.models },
        run: {
          backendNotes: [],
          ...view.run,
          runId: s.runId,
          experiment: s.experiment,
          cell: s.cell,
          sourceFile: s.sourceFile,
          backend: s.backend,
          status: s.status,
          startedAt: view.run?.startedAt ?? s.startedAt,
          endedAt: s.endedAt,
          error: s.error,
        },
      };
    }
    case 'samples':
      return { ...view, samples: event };
    case 'log': {
      const logs = [...view.logs, { time: event.time, level: event.level, message: event.message }];
      return { ...view, logs: logs.length > MAX_LOG_LINES ? logs.slice(logs.length - MAX_LOG_LINES) : logs };
    }
    case 'run-end':
      return {
        ...view,
        run: { backendNotes: [], ...view.run, status: event.status, error: event.error, endedAt: event.time },
        stages: view.stages.map((s) => (s.status === 'running' ? { ...s, status: 'done' } : s)),
      };
    default:
      return view;
  }
}

export function reduceAll(view: PanelViewModel, events: Iterable<RunEvent>): PanelViewModel {
  let next = view;
  for (const event of events) next = reduce(next, event);
  return next;
}

export function withDescribe(view: PanelViewModel, describe: DescribeView): PanelViewModel {
  return { ...view, describe };
}

/** The describe output stands in for the architecture until the run reports its own. */
export function withDescribedModels(
  view: PanelViewModel,
  event: Extract<RunEvent, { type: 'models' }>,
): PanelViewModel {
  if (view.modelsFrom === 'run') return { ...view, describe: { status: 'done' } };
  return { ...view, models: event.models, links: event.links, modelsFrom: 'describe', describe: { status: 'done' } };
}

/** The stage whose model is the run's product: the summary's, else the distilled student's. */
export function productStage(view: PanelViewModel): string | undefined {
  if (view.summary?.product) return view.summary.product;
  const names = [...view.stages.map((s) => s.name), ...Object.keys(view.models)];
  return (
    names.find((n) => n === 'student') ??
    names.find((n) => n.startsWith('student.')) ??
    names.find((n) => n === 'peer-1') ??
    names.find((n) => n !== 'teacher' && n !== 'baseline')
  );
}

/** The stage charted by default: the one running now, else the product. */
export function defaultChartStage(view: PanelViewModel): string | undefined {
  const running = [...view.stages].reverse().find((s) => s.status === 'running' && s.loss.step.length > 0);
  if (running) return running.name;
  const product = productStage(view);
  if (product && view.stages.some((s) => s.name === product)) return product;
  return view.stages[view.stages.length - 1]?.name;
}
