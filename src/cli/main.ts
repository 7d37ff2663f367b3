// `kd`: the engine headless, for servers, CI and job schedulers. Same run store as the extension.
// Exit codes: those of the runner (src/protocol/runner.ts): 0 success, 1 a run failed, 2 invalid
// input, 130 stopped.
import * as path from 'path';
import * as fs from 'fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadExperimentFile, validateExperimentFile, type Problem } from '../engine/config';
import { withExperimentChecks } from '../engine/checks';
import type { Experiment } from '../engine/config/types';
import { describeExperiment } from '../engine/run/describe';
import { exitCodeOf, isInvalidInput } from '../engine/run/exitCodes';
import { pickExperiment, UsageError } from '../engine/run/pickExperiment';
import { stopOnSignals } from '../engine/run/stopSignals';
import { experimentOfRun, runExperiment } from '../engine/run/runExperiment';
import { messageOf } from '../engine/run/failure';
import { CONFIG_FILE, deleteRun, listRuns, readRun } from '../engine/store/runStore';
import { RunBusyError } from '../engine/store/runLock';
import { readRunMeta } from '../engine/store/runMeta';
import type { RunSummary } from '../protocol/events';
import { BACKEND_NAMES, RunnerExit, type BackendName } from '../protocol/runner';
import { formatBytes, formatCount, formatDuration, formatPercent, formatPoints } from '../shared/format';
import { formatComparison, formatSummary, table } from './tables';
import { compareCommand, type CompareOptions } from './compare';
import { sweepCancelCommand, sweepCommand, sweepStatusCommand, type SweepOptions } from './sweep/command';
import { pickSweep, runSweepPoint, stableSweepId } from '../engine/sweep/runPoint';
import { RunProgress } from './progress';
import { productWord, stageWord, trainsAlone } from '../shared/modelLabels';

/** A note on one line, cut to fit a table. */
function noteLine(note: string | undefined): string {
  const line = (note ?? '').replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}  ${p.severity}  ${p.path}  ${p.message}`).join('\n');
}

interface RunCommandOptions {
  cell?: string;
  sweepPoint?: string;
  sweepId?: string;
  all?: boolean;
  backend?: BackendName;
  resume?: string;
  runsDir: string;
  json?: boolean;
  memoryLimit?: number;
}

/** `--memory-limit GB`: raises (or lowers) every experiment's `limits.memoryGB` for this command. */
const memoryLimitOption = () =>
  new Option(
    '--memory-limit <GB>',
    "the most memory a run may be estimated to need (overrides the file's limits.memoryGB)",
  ).argParser((value) => {
    const gb = Number(value);
    if (!Number.isFinite(gb) || gb <= 0) throw new InvalidArgumentError('expected a positive number of GB');
    return gb;
  });

async function runCommand(file: string | undefined, options: RunCommandOptions): Promise<number> {
  const runsDir = path.resolve(options.runsDir);
  const shouldStop = stopOnSignals(
    '\nstopping after this step (a checkpoint is saved; continue with --resume)… press Ctrl+C again to quit now\n',
  );

  if (options.sweepPoint !== undefined) return runPointCommand(file, options, runsDir, shouldStop);
  let experiments: Experiment[];
  let resumeDir: string | undefined;
  if (options.resume) {
    resumeDir = path.resolve(options.resume);
    experiments = [experimentOfRun(resumeDir)];
  } else {
    if (!file) throw new Error('a .kd.json file is required (or --resume RUN_DIR)');
    const loaded = await loadExperimentFile(
      path.resolve(file),
      withExperimentChecks({ memoryLimitGB: options.memoryLimit }),
    );
    experiments = options.all ? loaded.experiments : [pickExperiment(loaded, options.cell)];
  }
  const summaries: RunSummary[] = [];
  for (const experiment of experiments) {
    const progress = new RunProgress(process.stderr, trainsAlone(experiment));
    const { runDir, summary } = await runExperiment(experiment, {
      runsDir,
      backend: options.backend,
      resumeDir,
      onEvent: (event) => (options.json ? process.stdout.write(JSON.stringify(event) + '\n') : progress.handle(event)),
      shouldStop,
    });
    progress.stop();
    summaries.push(summary);
    if (!options.json)
      process.stdout.write(
        `\n${formatSummary(summary, trainsAlone(experiment))}\n  run folder: ${path.relative(process.cwd(), runDir) || runDir}\n\n`,
      );
    // An experiment that does not fit its data is reported like `kd validate` reports problems.
    if (summary.reason === 'invalid experiment') process.stderr.write(`${summary.error}\n`);
    if (summary.status !== 'done') return exitCodeOf(summary.status, summary.reason);
  }
  if (summaries.length > 1 && !options.json) process.stdout.write(`${formatComparison(summaries)}\n`);
  return RunnerExit.Done;
}

/** One point of a sweep (what a SLURM array task runs): into its fixed run folder, resuming it when stopped. */
async function runPointCommand(
  file: string | undefined,
  options: RunCommandOptions,
  runsDir: string,
  shouldStop: () => boolean,
): Promise<number> {
  if (!file) throw new UsageError('--sweep-point needs the .kd.json file');
  const index = Number(options.sweepPoint);
  if (!/^\d+$/.test(options.sweepPoint ?? ''))
    throw new UsageError(`--sweep-point takes a point index, got "${options.sweepPoint}"`);
  const plan = pickSweep(await loadExperimentFile(path.resolve(file), withExperimentChecks({})), options.cell);
  const progress = new RunProgress(process.stderr, trainsAlone(plan.points[index]?.experiment));
  const { runDir, summary } = await runSweepPoint(plan, index, {
    runsDir,
    sweepId: options.sweepId ?? stableSweepId(plan),
    backend: options.backend,
    executor: process.env.SLURM_ARRAY_JOB_ID ? 'slurm' : 'local',
    onEvent: (event) => (options.json ? process.stdout.write(JSON.stringify(event) + '\n') : progress.handle(event)),
    shouldStop,
  });
  progress.stop();
  if (!options.json)
    process.stdout.write(
      `\n${formatSummary(summary, trainsAlone(plan.points[index]?.experiment))}\n  run folder: ${path.relative(process.cwd(), runDir) || runDir}\n\n`,
    );
  return exitCodeOf(summary.status, summary.reason);
}

async function main(argv: string[]): Promise<number> {
  let code: number = RunnerExit.Done;
  const program = new Command()
    .name('kd')
    .description('Distillation Studio: knowledge distillation experiments from .kd.json files')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('run')
    .description('run an experiment (or one cell, or all cells in order) with a progress bar')
    .argument('[file]', 'the .kd.json file')
    .option('--cell <name>', 'run this cell of a notebook-like file')
    .option('--all', 'run every cell in order, stopping at the first failure')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides the file)').choices(BACKEND_NAMES))
    .option('--resume <runDir>', 'continue a stopped or crashed run from its last checkpoint')
    .option('--runs-dir <dir>', 'the run store', 'runs')
    .option('--json', 'print the events as JSON lines instead of a progress bar')
    .addOption(memoryLimitOption())
    .option('--sweep-point <index>', "run one point of the file's sweep (what a SLURM array task runs)")
    .option('--sweep-id <id>', 'the sweep the point belongs to (default: an id derived from the file and its sweep)')
    .action(async (file: string | undefined, options: RunCommandOptions) => {
      code = await runCommand(file, options);
    });

  program
    .command('sweep')
    .description(
      "run the sweep of a file (every point × seed), here or on SLURM; 'kd sweep status DIR' and 'kd sweep cancel DIR' follow and cancel one",
    )
    .argument('[file]', 'the .kd.json file (or: status SWEEP_DIR, cancel SWEEP_DIR)')
    .argument('[sweepDir]')
    .option('--cell <name>', 'the cell whose sweep to run')
    .option('--concurrency <n>', 'runs at once (local), or the array throttle %N (slurm)')
    .addOption(new Option('--executor <name>', 'where the runs happen').choices(['local', 'slurm']).default('local'))
    .option('--slurm-arg <arg>', 'an extra sbatch argument (repeatable), e.g. --slurm-arg=--partition=gpu', collect, [])
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides the file)').choices(BACKEND_NAMES))
    .option('--runs-dir <dir>', 'the run store (on a shared filesystem for slurm)', 'runs')
    .option('--dry-run', 'print the expanded points (and the job script for slurm) without running')
    .option('--json', 'print JSON instead of text')
    .option('--resume <sweepDir>', 'run (or resubmit) the points of a sweep that are not done')
    .action(async (first: string | undefined, second: string | undefined, options: SweepOptions) => {
      if (first === 'status' || first === 'cancel') {
        if (!second) throw new UsageError(`kd sweep ${first} needs the sweep folder`);
        code = first === 'status' ? await sweepStatusCommand(second, options) : await sweepCancelCommand(second);
        return;
      }
      code = await sweepCommand(first, options);
    });

  program
    .command('validate')
    .description(
      'check a .kd.json file against the schema and the semantic rules; prints every problem with file:line:column',
    )
    .argument('<file>')
    .addOption(memoryLimitOption())
    .action(async (file: string, options: { memoryLimit?: number }) => {
      const absolute = path.resolve(file);
      const problems = validateExperimentFile(absolute, withExperimentChecks({ memoryLimitGB: options.memoryLimit }));
      if (problems.length === 0) {
        const loaded = await loadExperimentFile(
          path.resolve(file),
          withExperimentChecks({ memoryLimitGB: options.memoryLimit }),
        );
        process.stdout.write(
          `${file}: valid (${loaded.experiments.length} experiment${loaded.experiments.length === 1 ? '' : 's'}: ${loaded.experiments.map((e) => e.name).join(', ')})\n`,
        );
      } else {
        process.stdout.write(formatProblems(problems) + '\n');
        code = problems.some((p) => p.severity === 'error') ? RunnerExit.Invalid : RunnerExit.Done;
      }
    });

  program
    .command('describe')
    .description('print the teacher and student architectures without training')
    .argument('<file>')
    .option('--cell <name>')
    .option('--runs-dir <dir>', 'the run store', 'runs')
    .addOption(memoryLimitOption())
    .action(async (file: string, options: { cell?: string; runsDir: string; memoryLimit?: number }) => {
      const loaded = await loadExperimentFile(
        path.resolve(file),
        withExperimentChecks({ memoryLimitGB: options.memoryLimit }),
      );
      const event = await describeExperiment(
        pickExperiment(loaded, options.cell),
        path.resolve(options.runsDir),
        loaded,
      );
      for (const [stage, model] of Object.entries(event.models)) {
        process.stdout.write(
          `\n${stage}: ${formatCount(model.params)} parameters, ${formatCount(model.macs)} MACs, ${formatBytes(model.bytes)}\n`,
        );
        process.stdout.write(
          table([
            ['layer', 'type', 'output', 'params', 'MACs'],
            ...model.layers.map((l) => [
              l.name,
              l.type,
              JSON.stringify(l.outputShape),
              formatCount(l.params),
              formatCount(l.macs),
            ]),
          ]) + '\n',
        );
      }
      for (const link of event.links)
        process.stdout.write(
          `match: teacher ${link.teacherLayer} ↔ student ${link.studentLayer}${link.adapter ? ` via ${link.adapter}` : ''} (${link.loss})\n`,
        );
    });

  program
    .command('summary')
    .description('print the summary of a run')
    .argument('<runDir>')
    .option('--json', 'print summary.json')
    .action((runDir: string, options: { json?: boolean }) => {
      const run = readRun(path.resolve(runDir));
      if (!run.config) throw new Error(`${runDir}: not a run folder (no config.json)`);
      if (options.json)
        process.stdout.write(
          JSON.stringify(run.summary ?? { status: run.status, progress: run.progress }, null, 2) + '\n',
        );
      else if (run.summary)
        process.stdout.write(formatSummary(run.summary, trainsAlone(run.config, run.summary)) + '\n');
      else
        process.stdout.write(
          `${run.experiment} run ${run.runId}: ${run.status}${run.progress ? `, ${stageWord(run.progress.stage, trainsAlone(run.config, run.summary))} epoch ${run.progress.epoch}/${run.progress.epochs}` : ''}${run.error ? ` (${run.error})` : ''}\n`,
        );
    });

  program
    .command('list')
    .description('list the runs in the run store')
    .option('--runs-dir <dir>', 'the run store', 'runs')
    .action((options: { runsDir: string }) => {
      const runs = listRuns(path.resolve(options.runsDir));
      if (runs.length === 0) {
        process.stdout.write(`no runs in ${options.runsDir}\n`);
        return;
      }
      const rows = runs.map((r) => {
        const product = r.summary ? r.summary.models[r.summary.product] : undefined;
        const meta = readRunMeta(r.dir);
        return [
          r.experiment,
          r.runId,
          meta.name ?? '',
          r.crashed ? 'crashed' : r.status,
          // "teacher 85.35%" for a teacher cell's run, as the Runs view says it.
          product
            ? `${productWord(trainsAlone(r.config, r.summary))} ${formatPercent(product.best.test)}`
            : formatPercent(undefined),
          formatPoints(r.summary?.kdGain),
          formatDuration(r.summary?.durationMs),
          noteLine(meta.note),
        ];
      });
      process.stdout.write(
        table([['experiment', 'run', 'name', 'status', 'test acc', 'KD gain', 'duration', 'note'], ...rows]) + '\n',
      );
    });

  program
    .command('delete')
    .description('delete run folders (a run whose runner is still alive is refused: stop it first)')
    .argument('<runDirs...>')
    .action((runDirs: string[]) => {
      for (const dir of runDirs) {
        const absolute = path.resolve(dir);
        if (!fs.existsSync(path.join(absolute, CONFIG_FILE))) throw new UsageError(`${dir}: not a run folder`);
        deleteRun(absolute);
        process.stdout.write(`deleted ${dir}\n`);
      }
    });

  program
    .command('compare')
    .description(
      'compare runs and sweeps; runs that differ only by seed are grouped (mean ± std, paired KD gain with its 95% CI)',
    )
    .argument('<dirs...>', 'run folders and sweep folders (runs/<experiment>/sweeps/<id>)')
    .option(
      '--group-by <what>',
      'seed: group runs that differ only by seed (the default for sweeps); none: one row per run',
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'csv', 'md', 'json']).default('table'),
    )
    .action((dirs: string[], options: CompareOptions) => {
      process.stdout.write(compareCommand(dirs, options) + '\n');
      // Names and notes the user gave the runs (meta.json), under the table.
      if ((options.format ?? 'table') !== 'table') return;
      const labels = dirs.flatMap((dir) => {
        const meta = readRunMeta(path.resolve(dir));
        if (!meta.name && !meta.note) return [];
        return [`${path.basename(dir)}: ${[meta.name, meta.note && noteLine(meta.note)].filter(Boolean).join(' — ')}`];
      });
      if (labels.length) process.stdout.write(labels.join('\n') + '\n');
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof Error && error.name === 'CommanderError') {
      const exitCode = (error as Error & { exitCode: number }).exitCode;
      return exitCode === 0 ? RunnerExit.Done : RunnerExit.Invalid;
    }
    process.stderr.write(`kd: ${messageOf(error)}\n`);
    return isInvalidInput(error) || error instanceof RunBusyError ? RunnerExit.Invalid : RunnerExit.Failed;
  }
  return code;
}

void main(process.argv).then((code) => process.exit(code));
