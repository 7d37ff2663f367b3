// `kd`: the engine headless, for servers, CI and job schedulers. Same run store as the extension.
// Exit codes: those of the runner (src/protocol/runner.ts): 0 success, 1 a run failed, 2 invalid
// input, 130 stopped.
import * as path from 'path';
import { Command, Option } from 'commander';
import * as fs from 'fs';
import { loadExperimentFile, validateExperimentText, type Problem } from '../engine/config';
import type { Experiment } from '../engine/config/types';
import { describeExperiment } from '../engine/run/describe';
import { exitCodeOf, isInvalidInput } from '../engine/run/exitCodes';
import { pickExperiment } from '../engine/run/pickExperiment';
import { stopOnSignals } from '../engine/run/stopSignals';
import { experimentOfRun, runExperiment } from '../engine/run/runExperiment';
import { listRuns, readRun } from '../engine/store/runStore';
import type { RunSummary } from '../protocol/events';
import { BACKEND_NAMES, RunnerExit, type BackendName } from '../protocol/runner';
import { formatBytes, formatCount, formatDuration, formatPercent, formatPoints } from '../shared/format';
import { formatComparison, formatSummary, table } from './tables';
import { RunProgress } from './progress';

function formatProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}  ${p.severity}  ${p.path}  ${p.message}`).join('\n');
}

interface RunCommandOptions {
  cell?: string;
  all?: boolean;
  backend?: BackendName;
  resume?: string;
  runsDir: string;
  json?: boolean;
}

async function runCommand(file: string | undefined, options: RunCommandOptions): Promise<number> {
  const runsDir = path.resolve(options.runsDir);
  const shouldStop = stopOnSignals(
    '\nstopping after this step (a checkpoint is saved; continue with --resume)… press Ctrl+C again to quit now\n',
  );

  let experiments: Experiment[];
  let resumeDir: string | undefined;
  if (options.resume) {
    resumeDir = path.resolve(options.resume);
    experiments = [experimentOfRun(resumeDir)];
  } else {
    if (!file) throw new Error('a .kd.json file is required (or --resume RUN_DIR)');
    const loaded = await loadExperimentFile(path.resolve(file));
    experiments = options.all ? loaded.experiments : [pickExperiment(loaded, options.cell)];
  }
  const summaries: RunSummary[] = [];
  for (const experiment of experiments) {
    const progress = new RunProgress();
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
        `\n${formatSummary(summary)}\n  run folder: ${path.relative(process.cwd(), runDir) || runDir}\n\n`,
      );
    if (summary.status !== 'done') return exitCodeOf(summary.status);
  }
  if (summaries.length > 1 && !options.json) process.stdout.write(`${formatComparison(summaries)}\n`);
  return RunnerExit.Done;
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
    .action(async (file: string | undefined, options: RunCommandOptions) => {
      code = await runCommand(file, options);
    });

  program
    .command('validate')
    .description(
      'check a .kd.json file against the schema and the semantic rules; prints every problem with file:line:column',
    )
    .argument('<file>')
    .action(async (file: string) => {
      const absolute = path.resolve(file);
      const problems = validateExperimentText(fs.readFileSync(absolute, 'utf8'), absolute);
      if (problems.length === 0) {
        const loaded = await loadExperimentFile(path.resolve(file));
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
    .action(async (file: string, options: { cell?: string; runsDir: string }) => {
      const loaded = await loadExperimentFile(path.resolve(file));
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
      else if (run.summary) process.stdout.write(formatSummary(run.summary) + '\n');
      else
        process.stdout.write(
          `${run.experiment} run ${run.runId}: ${run.status}${run.progress ? `, ${run.progress.stage} epoch ${run.progress.epoch}/${run.progress.epochs}` : ''}${run.error ? ` (${run.error})` : ''}\n`,
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
        return [
          r.experiment,
          r.runId,
          r.status,
          formatPercent(product?.best.test),
          formatPoints(r.summary?.kdGain),
          formatDuration(r.summary?.durationMs),
        ];
      });
      process.stdout.write(
        table([['experiment', 'run', 'status', 'student acc', 'KD gain', 'duration'], ...rows]) + '\n',
      );
    });

  program
    .command('compare')
    .description('compare runs side by side')
    .argument('<runDirs...>')
    .action((runDirs: string[]) => {
      const summaries = runDirs.map((dir) => {
        const run = readRun(path.resolve(dir));
        if (!run.summary) throw new Error(`${dir}: the run has no summary yet (status ${run.status})`);
        return run.summary;
      });
      process.stdout.write(formatComparison(summaries) + '\n');
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof Error && error.name === 'CommanderError') {
      const exitCode = (error as Error & { exitCode: number }).exitCode;
      return exitCode === 0 ? RunnerExit.Done : RunnerExit.Invalid;
    }
    process.stderr.write(`kd: ${error instanceof Error ? error.message : String(error)}\n`);
    return isInvalidInput(error) ? RunnerExit.Invalid : RunnerExit.Failed;
  }
  return code;
}

main(process.argv).then((code) => process.exit(code));
