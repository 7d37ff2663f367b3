// Runs one experiment end to end: backend, data, the scheme's stages, the final comparisons, and
// the run store. Every outcome (done, failed, stopped) ends with a run-end event and a summary.
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName, Experiment } from '../config/types';
import type { RunEvent, RunStatus, RunSummary } from '../../protocol/events';
import { selectBackend } from '../backend/select';
import { loadDataset } from '../data';
import { CONFIG_FILE, createRunDir, RunWriter, VOCAB_FILE } from '../store/runStore';
import { writeJsonAtomic } from '../store/atomic';
import { compareLogits, evaluate } from '../train/evaluate';
import { RunContext, RunStopped } from './context';
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

/** Runs `experiment`; with `resumeDir`, pass the experiment stored in that run (experimentOfRun). */
export async function runExperiment(experiment: Experiment, options: RunOptions): Promise<RunResult> {
  const runDir = options.resumeDir ?? createRunDir(options.runsDir, experiment, options.runId);
  const runId = path.basename(runDir);
  const writer = new RunWriter(runDir);
  const startedAt = now();
  const started = Date.now();
  const emit = (event: RunEvent) => {
    writer.appendEvent(event);
    if (event.type === 'log') writer.log(`[${event.level}] ${event.message}`);
    options.onEvent?.(event);
  };
  const shouldStop = options.shouldStop ?? (() => false);
  let backend = 'none';
  let status: Exclude<RunStatus, 'running'>;
  let error: string | undefined;
  let ctx: RunContext | undefined;
  let result: SchemeResult | undefined;
  const comparisons: Pick<RunSummary, 'agreement' | 'klTeacherStudent'> = {};

  try {
    const choice = await selectBackend(options.backend ?? experiment.backend);
    backend = choice.backend;
    emit({
      type: 'run-start',
      time: now(),
      runId,
      experiment: experiment.name,
      cell: experiment.cell,
      sourceFile: experiment.sourceFile,
      backend,
      backendNotes: choice.notes,
      pid: process.pid,
      resumed: Boolean(options.resumeDir),
    });
    for (const note of choice.notes) writer.log(`backend skipped: ${note}`);
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
    // The tokenizer's vocabulary and the label mapping, so the exported student can read new text.
    if (dataset.vocabulary) writeJsonAtomic(path.join(runDir, VOCAB_FILE), dataset.vocabulary);
    ctx = new RunContext(experiment, dataset, writer, options.runsDir, emit, shouldStop);
    result = await schemeFor(experiment.distill.scheme)(ctx);
    if (result.teacher) {
      const classes = dataset.classes;
      const teacherLogits = evaluate(result.live[result.teacher], dataset.test, dataset.inputShape, true)
        .logits as Float32Array;
      const studentLogits = evaluate(result.live[result.product], dataset.test, dataset.inputShape, true)
        .logits as Float32Array;
      const { agreement, kl } = compareLogits(teacherLogits, studentLogits, classes);
      comparisons.agreement = agreement;
      comparisons.klTeacherStudent = kl;
    }
    status = 'done';
  } catch (caught) {
    if (caught instanceof RunStopped) {
      status = 'stopped';
    } else {
      status = 'failed';
      error = caught instanceof Error ? caught.message : String(caught);
      writer.log(`[error] ${caught instanceof Error ? (caught.stack ?? caught.message) : String(caught)}`);
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
    startedAt,
    endedAt: now(),
    durationMs: Date.now() - started,
    models,
    product,
    ...comparisons,
    error,
    ...(experiment.sweep ? { sweep: experiment.sweep } : {}),
  };
  const productMetrics = models[product];
  const baselineMetrics = result?.baseline ? models[result.baseline] : undefined;
  const teacherMetrics = result?.teacher ? models[result.teacher] : undefined;
  if (productMetrics && baselineMetrics) summary.kdGain = productMetrics.best.test - baselineMetrics.best.test;
  if (productMetrics && teacherMetrics) {
    summary.compressionRatio = teacherMetrics.summary.params / productMetrics.summary.params;
    summary.speedup = teacherMetrics.latencyMs / productMetrics.latencyMs;
  }
  if (result) for (const model of new Set(Object.values(result.live))) model.dispose();
  writer.writeSummary(summary);
  emit({ type: 'summary', time: now(), summary });
  emit({ type: 'run-end', time: now(), status, error });
  writer.close();
  return { runDir, summary };
}
