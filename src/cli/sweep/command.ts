// `kd sweep`: expand a file's sweep, run its points here (N at once) or hand them to SLURM as one job
// array, resume what is missing, show where a sweep stands, cancel its SLURM jobs.
import * as path from 'path';
import type { Comparison, SweepPointStatus, SweepRecord } from '../../protocol/sweep';
import { loadExperimentFile } from '../../engine/config';
import { withExperimentChecks } from '../../engine/checks';
import { RunnerExit } from '../../protocol/runner';
import { UsageError } from '../../engine/run/pickExperiment';
import { pickSweep } from '../../engine/sweep/runPoint';
import type { SweepPlan } from '../../engine/sweep/expand';
import { sharedTeachers } from '../../engine/sweep/teacherKeys';
import type { BackendName } from '../../engine/config/types';
import { jobScript } from '../../engine/sweep/slurm';
import { cancelSweep, pointStatuses, pointsToResume, submitSweep } from '../../engine/sweep/control';
import { compareRuns } from '../../engine/sweep/stats';
import {
  newSweepId,
  newSweepRecord,
  progressOf,
  readSweepRecord,
  sweepDirOf,
  sweepRuns,
  writeSweepRecord,
} from '../../engine/sweep/store';
import { table } from '../tables';
import { groupsTable } from './report';
import { runLocal } from './local';

export interface SweepOptions {
  cell?: string;
  concurrency?: string;
  executor: 'local' | 'slurm';
  runsDir: string;
  dryRun?: boolean;
  json?: boolean;
  resume?: string;
  slurmArg: string[];
  backend?: string;
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : JSON.stringify(v)}`)
    .join(' ');
}

/** The kd command line for SLURM tasks: this Node with its flags and this script. */
function kdCommand(): string[] {
  return [process.execPath, ...process.execArgv, process.argv[1]];
}

function parseConcurrency(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--concurrency must be a positive integer, got "${raw}"`);
  return n;
}

export function sweepComparison(record: SweepRecord): Comparison {
  return compareRuns(sweepRuns(record).filter((r) => r !== undefined));
}

async function execute(
  record: SweepRecord,
  sweepDir: string,
  indices: number[],
  options: SweepOptions,
): Promise<number> {
  const concurrency = parseConcurrency(options.concurrency);
  if (record.executor === 'slurm') {
    const jobId = await submitSweep(record, sweepDir, indices, {
      kd: kdCommand(),
      args: options.slurmArg,
      concurrency: concurrency ?? 0,
    });
    if (options.json) out(JSON.stringify({ type: 'sweep-submitted', sweepDir, jobId, points: indices }));
    else
      out(
        `submitted job array ${jobId} (${indices.length} task${indices.length === 1 ? '' : 's'})\n  sweep folder: ${sweepDir}\n  follow it: kd sweep status ${sweepDir}`,
      );
    return RunnerExit.Done;
  }
  let finished = 0;
  const results = await runLocal(record, indices, {
    concurrency: concurrency ?? 1,
    backend: options.backend,
    onPointStart: (index) => {
      if (options.json) out(JSON.stringify({ type: 'sweep-point-start', index }));
    },
    onPointEnd: (index, status, summary, stderr) => {
      finished++;
      const point = record.points[index];
      if (options.json) {
        out(
          JSON.stringify({ type: 'sweep-point-end', index, status, runDir: path.join(record.runsDir, point.runDir) }),
        );
        return;
      }
      const student = summary ? summary.models[summary.product]?.best.test : undefined;
      const gain = summary?.kdGain;
      const facts = [
        student !== undefined ? `student ${(student * 100).toFixed(2)}%` : '',
        gain !== undefined ? `KD gain ${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(2)} pts` : '',
      ].filter(Boolean);
      const why = status === 'failed' ? `: ${summary?.error ?? stderr.trim().split('\n').pop() ?? ''}` : '';
      out(
        `[${finished}/${indices.length}] point ${index} (${paramsText(point.params)} seed ${point.seed}) ${status}${facts.length ? `, ${facts.join(', ')}` : ''}${why}`,
      );
    },
  });
  const statuses = [...results.values()];
  const comparison = sweepComparison(record);
  if (options.json)
    out(
      JSON.stringify({ type: 'sweep-end', sweepDir, progress: progressOf(await pointStatuses(record)), ...comparison }),
    );
  else
    out(`\n${groupsTable(comparison)}\n\n  sweep folder: ${sweepDir}\n  compare: kd compare ${sweepDir} --format md`);
  if (statuses.includes('stopped') || statuses.includes('queued')) return RunnerExit.Stopped;
  return statuses.includes('failed') ? RunnerExit.Failed : RunnerExit.Done;
}

export async function sweepCommand(file: string | undefined, options: SweepOptions): Promise<number> {
  if (options.resume) {
    const sweepDir = path.resolve(options.resume);
    const record = readSweepRecord(sweepDir);
    const todo = await pointsToResume(record);
    if (todo.length === 0) {
      out(
        `nothing to ${record.executor === 'slurm' ? 'resubmit' : 'resume'}: ${progressText(await pointStatuses(record))}`,
      );
      return RunnerExit.Done;
    }
    return execute(record, sweepDir, todo, options);
  }
  if (!file) throw new UsageError('a .kd.json file is required (or --resume SWEEP_DIR)');
  const loaded = await loadExperimentFile(path.resolve(file), withExperimentChecks({}));
  const plan = pickSweep(loaded, options.cell);
  const concurrency = parseConcurrency(options.concurrency);
  const record = newSweepRecord(plan, {
    id: newSweepId(),
    runsDir: path.resolve(options.runsDir),
    executor: options.executor,
    concurrency: concurrency ?? (options.executor === 'local' ? 1 : 0),
  });
  const sweepDir = sweepDirOf(record.runsDir, record.experiment, record.id);
  if (options.dryRun) {
    const script = options.executor === 'slurm' ? jobScript(record, kdCommand(), sweepDir) : undefined;
    if (options.json) out(JSON.stringify({ ...record, ...(script ? { script } : {}) }, null, 2));
    else {
      out(
        `${plan.points.length} runs (${plan.settings} setting${plan.settings === 1 ? '' : 's'} × ${plan.seeds.length} seed${plan.seeds.length === 1 ? '' : 's'}) of ${plan.name}:`,
      );
      out(
        table([
          ['point', 'seed', ...plan.paths],
          ...plan.points.map((p) => [
            String(p.index),
            String(p.seed),
            ...plan.paths.map((k) =>
              paramsText({ [k]: p.params[k] })
                .split('=')
                .slice(1)
                .join('='),
            ),
          ]),
        ]),
      );
      const teachers = distinctTeachers(plan, options.backend);
      if (teachers > 0)
        out(
          plan.shareTeachers
            ? `\nteachers trained on labels: ${teachers} (one per distinct teacher config and seed, shared by the points)`
            : `\nteachers trained on labels: one per run ("shareTeachers": false)`,
        );
      if (script)
        out(
          `\njob script (submitted as sbatch --array=0-${plan.points.length - 1}${concurrency ? `%${concurrency}` : ''}${options.slurmArg.map((a) => ` ${a}`).join('')}):\n\n${script}`,
        );
    }
    return RunnerExit.Done;
  }
  writeSweepRecord(record);
  if (!options.json)
    out(`sweep ${record.id}: ${record.points.length} runs of ${record.experiment} (${options.executor})`);
  return execute(
    record,
    sweepDir,
    record.points.map((p) => p.index),
    options,
  );
}

/** How many distinct teachers the points train on labels (what a shared sweep trains). */
function distinctTeachers(plan: SweepPlan, backend: string | undefined): number {
  const keys = plan.points.flatMap((p) =>
    Object.values(sharedTeachers(p.experiment, (backend as BackendName | undefined) ?? p.experiment.backend)),
  );
  return new Set(keys.map((t) => t.key)).size;
}

function progressText(statuses: readonly SweepPointStatus[]): string {
  const p = progressOf(statuses);
  return `${p.done}/${p.total} done, ${p.running} running, ${p.queued} queued, ${p.failed} failed, ${p.stopped} stopped`;
}

export async function sweepStatusCommand(dir: string, options: { json?: boolean }): Promise<number> {
  const record = readSweepRecord(path.resolve(dir));
  const statuses = await pointStatuses(record);
  if (options.json) {
    out(
      JSON.stringify(
        {
          id: record.id,
          progress: progressOf(statuses),
          points: record.points.map((p, i) => ({ ...p, status: statuses[i] })),
        },
        null,
        2,
      ),
    );
    return RunnerExit.Done;
  }
  out(
    `sweep ${record.id} of ${record.experiment} (${record.executor}${record.slurm ? `, jobs ${record.slurm.jobIds.join(', ')}` : ''}): ${progressText(statuses)}`,
  );
  out(
    table([
      ['point', 'seed', 'params', 'status', 'run folder'],
      ...record.points.map((p, i) => [String(p.index), String(p.seed), paramsText(p.params), statuses[i], p.runDir]),
    ]),
  );
  return RunnerExit.Done;
}

export async function sweepCancelCommand(dir: string): Promise<number> {
  const record = readSweepRecord(path.resolve(dir));
  if (record.executor !== 'slurm' || !record.slurm)
    throw new UsageError(
      `${dir}: this sweep runs locally; stop it with Ctrl+C in its terminal (or Stop in the editor)`,
    );
  const jobIds = await cancelSweep(record);
  out(`cancelled job${jobIds.length === 1 ? '' : 's'} ${jobIds.join(', ')}`);
  return RunnerExit.Done;
}
