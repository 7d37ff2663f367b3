// Runs one experiment end to end: backend, data, the scheme's stages, the final comparisons, and
// the run store. Every outcome (done, failed, stopped) ends with a run-end event and a summary.
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName, Experiment } from '../config/types';
import type { FailureReason, RunEvent, RunStartEvent, RunStatus, RunSummary } from '../../protocol/events';
import { selectBackend } from '../backend/select';
import { loadDataset } from '../data';
import type { Dataset } from '../data/types';
import { measureLatencies, significantRatio, type Latency } from '../models';
import { removeTemporaries, writeJsonAtomic } from '../store/atomic';
import { acquireLock, releaseLock } from '../store/runLock';
import { diskErrorOf, writingIn } from '../store/diskErrors';
import {
  CHECKPOINTS_DIR,
  CONFIG_FILE,
  createRunDir,
  newRunId,
  readEvents,
  removeUnbornRuns,
  RunWriter,
  VOCAB_FILE,
} from '../store/runStore';
import { removeFallbackCheckpoints } from '../train/checkpoint';
import { earlierParts } from '../store/runDuration';
import { compareLogits, evaluate } from '../train/evaluate';
import { RunContext, RunStopped } from './context';
import { checkModelsFitData } from './dataFit';
import { explainFailure } from './failure';
import { schemeFor } from '../schemes';
import type { SchemeResult } from '../schemes/types';

export interface RunOptions {
  runsDir: string;
  /** Overrides the experiment's `backend`. */
  backend?: BackendName;
  /** Continue this run folder from its checkpoints instead of starting a new run. */
  resumeDir?: string;
  /** The new run's id (its folder name); a sweep names its points' folders so they can be found. */
  runId?: string;
  onEvent?: (event: RunEvent) => void;
  shouldStop?: () => boolean;
}

export interface RunResult {
  runDir: string;
  summary: RunSummary;
}

function now(): string {
  return new Date().toISOString();
}

/** Reads the resolved experiment stored in a run folder (what `--resume` continues). */
export function experimentOfRun(runDir: string): Experiment {
  const file = path.join(runDir, CONFIG_FILE);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Experiment;
  } catch (error) {
    throw new Error(`${file}: cannot read the run's config (${(error as Error).message})`, { cause: error });
  }
}

/** Opens the run folder: a new one comes into being complete (config, run-start, lock); a resumed one is locked first. */
function openRunDir(experiment: Experiment, options: RunOptions, start: RunEvent, runId: string): string {
  if (!options.resumeDir) {
    removeUnbornRuns(options.runsDir, experiment.name);
    return createRunDir(options.runsDir, experiment, [start], runId);
  }
  const resumeDir = options.resumeDir;
  // Refuses a run whose runner still lives (RunBusyError): two processes never write one folder.
  writingIn(resumeDir, 'the run lock', () => acquireLock(resumeDir));
  // Only the lock holder may tidy: temporaries of a killed writer, and checkpoint units are repaired per stage.
  removeTemporaries(resumeDir);
  return resumeDir;
}

/** The run's event and log files, opened for appending; a folder that cannot be written is reported as such. */
function openWriter(runDir: string): RunWriter {
  try {
    return writingIn(runDir, "the run's events and log", () => new RunWriter(runDir));
  } catch (error) {
    bestEffort(() => releaseLock(runDir));
    throw error;
  }
}

/** A write at the end of a run that must not keep the others from happening (a full disk fails some). */
function bestEffort(write: () => void): unknown {
  try {
    write();
    return undefined;
  } catch (error) {
    return error ?? new Error('write failed');
  }
}

/** Runs `experiment`; with `resumeDir`, pass the experiment stored in that run (experimentOfRun). */
export async function runExperiment(experiment: Experiment, options: RunOptions): Promise<RunResult> {
  const startedAt = now();
  const started = Date.now();
  let backend = 'none';
  let backendNotes: string[] = [];
  let threads: RunStartEvent['threads'];
  let backendError: unknown;
  try {
    const choice = await selectBackend(options.backend ?? experiment.backend);
    backend = choice.backend;
    backendNotes = choice.notes;
    if (choice.threads !== undefined) threads = { count: choice.threads, reason: choice.threadsReason ?? '' };
  } catch (caught) {
    backendError = caught;
  }
  const runId = options.resumeDir ? path.basename(options.resumeDir) : (options.runId ?? newRunId());
  const start: RunEvent = {
    type: 'run-start',
    time: now(),
    runId,
    experiment: experiment.name,
    cell: experiment.cell,
    sourceFile: experiment.sourceFile,
    backend,
    backendNotes,
    ...(threads ? { threads } : {}),
    pid: process.pid,
    resumed: Boolean(options.resumeDir),
  };
  // A resumed run counts the time of its earlier parts, and started when its first part did.
  const earlier = options.resumeDir ? earlierParts(readEvents(options.resumeDir)) : { ms: 0 };
  const runDir = openRunDir(experiment, options, start, runId);
  const writer = openWriter(runDir);
  const emit = (event: RunEvent) => {
    writer.appendEvent(event);
    if (event.type === 'log') writer.log(`[${event.level}] ${event.message}`);
    options.onEvent?.(event);
  };
  // A new run's folder already holds its run-start; a resumed run appends one.
  if (options.resumeDir) bestEffort(() => writer.appendEvent(start));
  options.onEvent?.(start);
  const shouldStop = options.shouldStop ?? (() => false);
  let status: Exclude<RunStatus, 'running'>;
  let error: string | undefined;
  let reason: FailureReason | undefined;
  let ctx: RunContext | undefined;
  let result: SchemeResult | undefined;
  const comparisons: Partial<RunSummary> = {};

  try {
    if (backendError) throw backendError;
    for (const note of backendNotes) writer.log(`backend skipped: ${note}`);
    const dataset = await loadDataset(experiment.data, {
      baseDir: path.dirname(experiment.sourceFile),
      seed: experiment.seed,
    });
    emit({
      type: 'log',
      time: now(),
      level: 'info',
      message: `data: ${dataset.name}, ${dataset.train.count} train / ${dataset.validation.count} validation / ${dataset.test.count} test, input ${JSON.stringify(dataset.inputShape)}, ${dataset.classes} classes`,
    });
    // A saved model that does not fit the data as read is an invalid experiment, said before anything trains.
    checkModelsFitData(experiment, dataset, options.runsDir);
    // The tokenizer's vocabulary and the label mapping, so the exported student can read new text.
    if (dataset.vocabulary) writeJsonAtomic(path.join(runDir, VOCAB_FILE), dataset.vocabulary);
    ctx = new RunContext(experiment, dataset, writer, options.runsDir, emit, shouldStop);
    result = await schemeFor(experiment.distill.scheme)(ctx);
    Object.assign(comparisons, await compareWithReference(result, ctx, dataset));
    status = 'done';
  } catch (caught) {
    if (caught instanceof RunStopped) {
      status = 'stopped';
    } else {
      status = 'failed';
      ({ error, reason } = explainFailure(caught, experiment, runDir));
      bestEffort(() =>
        writer.log(`[error] ${caught instanceof Error ? (caught.stack ?? caught.message) : String(caught)}`),
      );
    }
  }

  const models = ctx?.models ?? {};
  const product = result?.product ?? 'student';
  const summary: RunSummary = {
    runId,
    experiment: experiment.name,
    cell: experiment.cell,
    sourceFile: experiment.sourceFile,
    status,
    backend,
    startedAt: earlier.firstStart ?? startedAt,
    endedAt: now(),
    durationMs: earlier.ms + (Date.now() - started),
    models,
    product,
    ...comparisons,
    error,
    ...(reason ? { reason } : {}),
    // With the shared teachers this run used and the run that trained each.
    ...(experiment.sweep ? { sweep: ctx?.share ? ctx.share.record(experiment.sweep) : experiment.sweep } : {}),
  };
  const productMetrics = models[product];
  const baselineMetrics = result?.baseline ? models[result.baseline] : undefined;
  if (productMetrics && baselineMetrics) summary.kdGain = productMetrics.best.test - baselineMetrics.best.test;
  if (result) for (const model of new Set(Object.values(result.live))) model.dispose();
  // A finished run needs no fallback checkpoints.
  if (status === 'done') bestEffort(() => removeFallbackCheckpoints(path.join(runDir, CHECKPOINTS_DIR)));
  // Whatever the disk still takes is written; the runner's output carries the end in any case. On a
  // disk that failed, the two events (a few hundred bytes) go first: they say why, summary.json repeats it.
  const appendEnd = () => {
    const end: RunEvent[] = [
      { type: 'summary', time: now(), summary },
      { type: 'run-end', time: now(), status, error, ...(reason ? { reason } : {}) },
    ];
    for (const event of end) {
      bestEffort(() => writer.appendEvent(event));
      options.onEvent?.(event);
    }
  };
  if (reason === 'disk full' || reason === 'read-only' || reason === 'permission denied') {
    appendEnd();
    bestEffort(() => writer.writeSummary(summary));
  } else {
    const lost = diskErrorOf(
      bestEffort(() => writer.writeSummary(summary)),
      runDir,
      "the run's summary",
    );
    if (lost) {
      ({ status, error, reason } = { status: 'failed', error: lost.message, reason: lost.reason });
      Object.assign(summary, { status, error, reason });
    }
    appendEnd();
  }
  bestEffort(() => writer.close());
  bestEffort(() => releaseLock(runDir));
  return { runDir, summary };
}

/**
 * Agreement, KL, compression and speed-up of the product against the model it learned from (one
 * teacher, the original teacher of a chain, or the weighted ensemble of several), and the latency
 * of every live model measured again together, interleaved, in this process.
 */
async function compareWithReference(
  result: SchemeResult,
  ctx: RunContext,
  dataset: Dataset,
): Promise<Partial<RunSummary>> {
  const models = ctx.models;
  const stages = Object.keys(result.live).filter((stage) => models[stage]);
  const latencies = measureLatencies(
    stages.map((stage) => result.live[stage]),
    dataset.inputShape,
  );
  const latencyOf: Record<string, Latency> = {};
  stages.forEach((stage, i) => {
    latencyOf[stage] = latencies[i];
    models[stage] = { ...models[stage], latencyMs: latencies[i].ms, latencyIqrMs: latencies[i].iqrMs };
  });
  const reference =
    result.reference ??
    (result.teacher ? { stages: [result.teacher], weights: [1], label: result.teacher } : undefined);
  const productModel = result.live[result.product];
  if (!reference || !productModel || !models[result.product]) return {};
  const classes = dataset.classes;
  const referenceLogits = new Float32Array(dataset.test.count * classes);
  for (const [i, stage] of reference.stages.entries()) {
    // A frozen teacher's test logits come from the sweep's shared cache when the run has one.
    const logits = await ctx.frozenLogits(result.live[stage], dataset.test);
    for (let k = 0; k < logits.length; k++) referenceLogits[k] += reference.weights[i] * logits[k];
  }
  const studentLogits = evaluate(productModel, dataset.test, dataset.inputShape, true).logits as Float32Array;
  const { agreement, kl } = compareLogits(referenceLogits, studentLogits, classes);
  const out: Partial<RunSummary> = {
    reference: { stages: reference.stages, label: reference.label },
    agreement,
    klTeacherStudent: kl,
  };
  const referenceModels = reference.stages.map((stage) => models[stage]).filter((m) => m !== undefined);
  if (referenceModels.length === reference.stages.length) {
    const params = referenceModels.reduce((sum, m) => sum + m.summary.params, 0);
    out.compressionRatio = params / models[result.product].summary.params;
    // An ensemble runs every teacher: its latency is theirs together, its spread theirs together.
    const referenceLatency: Latency = reference.stages
      .map((stage) => latencyOf[stage])
      .reduce((a, b) => ({ ms: a.ms + b.ms, iqrMs: a.iqrMs + b.iqrMs, rounds: a.rounds }));
    const ratio = significantRatio(referenceLatency, latencyOf[result.product]);
    if (ratio === undefined) out.speedupWithinNoise = true;
    else out.speedup = ratio;
  }
  return out;
}
