// `npm run reproduce -- NAME [--quick] [--epochs N] [--train-limit N] [--seeds N]`: runs one of the
// examples under examples/reproduce/ end to end through the `kd` command line (the same runs the
// editor shows), then prints its published figures next to what was measured here: mean ± std over
// seeds at the last and at the best-validation epoch, the paired KD gain, wall time and machine.
// `--all --quick` is the pipeline check CI runs (a slice of each, not accuracy).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseJsonc } from 'jsonc-parser';
import { applyBudget, describeBudget, QUICK, type Budget, type JsonObject } from './budget';
import { writeCifar100, writeMnistIdx } from '../../test/data/datasetFiles';
import { curvesTable, rowCurves } from './curves';
import { quickRows, RECIPES, recipeNamed, type Recipe } from './recipes';
import { writeSection } from './resultsFile';
import { groupFor, markdownTable, measureRows, type CellResult, type Group } from './table';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Options {
  names: string[];
  quick: boolean;
  budget: Budget;
  runsDir?: string;
  out?: string;
  markdown?: string;
  /** Start at this cell: the cells before it are read from the runs folder, not run again. */
  from?: string;
  /** Run nothing: the table of what the runs folder already holds. */
  reportOnly?: boolean;
  results?: string;
  /** The arguments as given, for the report's command line. */
  argv: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { names: [], quick: false, budget: {}, argv };
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number of at least 1 (got ${value})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--all') options.names = RECIPES.map((r) => r.name);
    else if (arg === '--epochs') options.budget.epochs = number(arg, argv[++i]);
    else if (arg === '--teacher-epochs') options.budget.teacherEpochs = number(arg, argv[++i]);
    else if (arg === '--train-limit') options.budget.trainLimit = number(arg, argv[++i]);
    else if (arg === '--test-limit') options.budget.testLimit = number(arg, argv[++i]);
    else if (arg === '--methods') options.budget.methods = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--seeds') options.budget.seeds = number(arg, argv[++i]);
    else if (arg === '--runs-dir') options.runsDir = argv[++i];
    else if (arg === '--out') options.out = argv[++i];
    else if (arg === '--markdown') options.markdown = argv[++i];
    else if (arg === '--from') options.from = argv[++i];
    else if (arg === '--report-only') options.reportOnly = true;
    else if (arg === '--results') options.results = argv[++i];
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.names.push(arg);
  }
  if (options.names.length === 0)
    throw new Error(
      `usage: npm run reproduce -- NAME [--quick] [--epochs N] [--teacher-epochs N] [--train-limit N] [--test-limit N] [--seeds N] [--methods kd,dkd,…] [--runs-dir DIR] [--from CELL | --report-only] [--out FILE.json] [--markdown FILE.md]\n` +
        `names: ${RECIPES.map((r) => r.name).join(', ')} (or --all)`,
    );
  options.names.forEach(recipeNamed);
  return options;
}

function kd(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number; stdout: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: run.status ?? 1, stdout: run.stdout ?? '' };
}

/** Relative data paths of the example, made absolute so the budgeted copy can live elsewhere. */
function absolutePaths(example: JsonObject, exampleDir: string): void {
  const levels = [example, ...(Array.isArray(example.cells) ? example.cells : [])];
  for (const level of levels) {
    const data = (level as JsonObject).data;
    if (typeof data === 'object' && data !== null && !Array.isArray(data) && typeof data.path === 'string')
      data.path = path.resolve(exampleDir, data.path);
  }
}

function newestEntry(dir: string, filter: (name: string) => boolean): string | undefined {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter(filter).sort() : [];
  return names.length ? path.join(dir, names[names.length - 1]) : undefined;
}

/** The folder `kd compare` reads for a cell: its newest sweep, else its newest run. */
function resultDir(runsDir: string, experiment: string, swept: boolean): string | undefined {
  const dir = path.join(runsDir, experiment);
  if (!swept) return newestEntry(dir, (n) => n !== 'sweeps' && !n.startsWith('.'));
  const sweeps = path.join(dir, 'sweeps');
  const ids = fs.existsSync(sweeps) ? fs.readdirSync(sweeps) : [];
  const created = (id: string): string =>
    (JSON.parse(fs.readFileSync(path.join(sweeps, id, 'sweep.json'), 'utf8')) as { createdAt: string }).createdAt;
  const newest = ids
    .filter((id) => fs.existsSync(path.join(sweeps, id, 'sweep.json')))
    .sort((a, b) => (created(a) < created(b) ? -1 : 1));
  return newest.length ? path.join(sweeps, newest[newest.length - 1]) : undefined;
}

function testSizeOf(groups: Group[]): number {
  const runDir = groups[0]?.runDirs[0];
  if (!runDir) return 10_000;
  const config = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')) as {
    data?: { testLimit?: number };
  };
  return Math.min(config.data?.testLimit ?? 10_000, 10_000);
}

function cellLevel(example: JsonObject, cell: string): JsonObject | undefined {
  const cells = Array.isArray(example.cells) ? (example.cells as JsonObject[]) : [];
  return cells.find((c) => c.name === cell);
}

/** The CPU as lscpu names it (os.cpus() may give only the family), else as Node does. */
function cpuModel(): string {
  const lscpu = spawnSync('lscpu', [], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  const line = (lscpu.stdout ?? '').split('\n').find((l) => /^Model name:/.test(l));
  return line?.replace(/^Model name:\s*/, '').trim() || (os.cpus()[0]?.model.trim() ?? 'unknown CPU');
}

function machine(): string {
  return `${cpuModel()}, nproc ${os.availableParallelism()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, KD_WASM_THREADS=${process.env.KD_WASM_THREADS ?? 'unset'}`;
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
}

/** Runs one reproduction; returns whether every row was measured. */
function reproduce(recipe: Recipe, options: Options): boolean {
  const started = Date.now();
  const loadAtStart = loadAverage();
  const exampleFile = path.join(ROOT, recipe.file);
  const example = parseJsonc(fs.readFileSync(exampleFile, 'utf8')) as JsonObject;
  absolutePaths(example, path.dirname(exampleFile));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `kd-reproduce-${recipe.name}-`));
  const budget: Budget = options.quick ? { ...QUICK } : { ...options.budget };
  const cells = options.quick && recipe.quickCells ? recipe.quickCells : recipe.cells;
  // Data that does not ship is replaced by a tiny set in the same format for the quick slice.
  const env = { ...process.env };
  if (options.quick && recipe.quickData === 'cifar100')
    budget.dataPath = writeCifar100(path.join(work, 'cifar-100-binary'), 600, 300);
  if (options.quick && recipe.quickData === 'fashion-mnist')
    env.KD_FASHION_MNIST_DIR = writeMnistIdx(path.join(work, 'fashion-mnist'), 600, 300, false);
  const file = path.join(work, path.basename(exampleFile));
  fs.writeFileSync(file, JSON.stringify(applyBudget(example, budget), null, 2));
  const runsDir = path.resolve(options.runsDir ?? (options.quick ? path.join(work, 'runs') : path.join(ROOT, 'runs')));
  const fileName = typeof example.name === 'string' ? example.name : recipe.name;

  const results = new Map<string, CellResult>();
  const firstRun = options.reportOnly ? cells.length : options.from === undefined ? 0 : cells.indexOf(options.from);
  if (firstRun < 0)
    throw new Error(`--from ${options.from}: ${recipe.name} has no cell of that name (${cells.join(', ')})`);
  const reused = cells.slice(0, firstRun);
  for (const [index, cell] of cells.entries()) {
    const swept = Boolean(cellLevel(example, cell)?.sweep ?? example.sweep);
    if (index >= firstRun) {
      process.stderr.write(`\n[reproduce] ${recipe.name}: ${swept ? 'sweep' : 'run'} of cell "${cell}"\n`);
      const common = [file, '--cell', cell, '--runs-dir', runsDir];
      const ran = kd([swept ? 'sweep' : 'run', ...common], env);
      if (ran.status !== 0) {
        process.stderr.write(`[reproduce] ${recipe.name}: cell "${cell}" failed (exit ${ran.status})\n`);
        break;
      }
    }
    const dir = resultDir(runsDir, `${fileName}.${cell}`, swept);
    if (!dir) break;
    const compared = kd(['compare', dir, '--group-by', 'seed', '--format', 'json']);
    if (compared.status !== 0) break;
    const groups = (JSON.parse(compared.stdout) as { groups: Group[] }).groups;
    results.set(cell, { groups, testSize: testSizeOf(groups) });
  }

  const publishedRows = options.quick ? quickRows(recipe) : recipe.rows;
  const rows = measureRows(recipe, publishedRows, results);
  const curves = rowCurves(publishedRows, results, groupFor);
  const wallMs = Date.now() - started;
  const command = `npm run reproduce -- ${options.argv.filter((a) => a !== '--all' && !RECIPES.some((r) => r.name === a)).reduce((acc, a) => `${acc} ${a}`, recipe.name)}`;
  const finished = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const report = [
    `## ${recipe.name}${options.quick ? ' (quick: pipeline check, not accuracy)' : ''}`,
    '',
    `Source: ${recipe.source}.`,
    '',
    `- Command: \`${command}\``,
    `- Budget: ${describeBudget(budget)}.`,
    ...(reused.length
      ? [`- Reused, not run again: the newest runs of ${reused.map((c) => `"${c}"`).join(', ')} in ${runsDir}.`]
      : []),
    `- Machine: ${machine()}; load average (1 / 5 / 15 min) ${loadAtStart} at the start, ${loadAverage()} at the end.`,
    `- Finished ${finished} UTC; wall time ${(wallMs / 60000).toFixed(1)} min.`,
    '',
    markdownTable(recipe, rows),
    '',
    curvesTable(curves),
    '',
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (options.markdown) writeSection(options.markdown, recipe.name, report);
  if (options.out)
    fs.writeFileSync(
      options.out,
      JSON.stringify(
        { recipe: recipe.name, command, budget, rows, curves, wallMs, machine: machine(), finished },
        null,
        2,
      ),
    );
  if (options.quick || options.reportOnly) fs.rmSync(work, { recursive: true, force: true });
  return rows.every((r) => !r.missing);
}

function main(): number {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (!fs.existsSync(CLI)) {
    process.stderr.write(`${CLI} is missing: run npm run build first\n`);
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const name of options.names) {
    let ok: boolean;
    try {
      ok = reproduce(recipeNamed(name), options);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
    if (ok) passed++;
    else failed++;
  }
  if (options.results) fs.writeFileSync(options.results, JSON.stringify({ passed, failed }));
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
