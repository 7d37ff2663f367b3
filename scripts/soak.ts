// The soak: short runs killed with SIGKILL at random moments (and inside checkpoint writes, through
// the KD_TEST_KILL_IN_CHECKPOINT hook) and resumed until they finish, each compared bit for bit with
// an uninterrupted run. It prints runs completed, resumed, checkpoints torn, results differing from
// the uninterrupted run, and files left behind; it exits 1 unless the last three are 0.
//   npm run soak                     50 kills
//   npm run soak -- --kills 10 --seed 7 --keep
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';

const ROOT = path.resolve(__dirname, '..');
const RUNNER = path.join(ROOT, 'dist', 'runner.js');

/** Two trained stages with dropout, three epochs of 15 steps: a run lasts a few seconds. */
const EXPERIMENT = {
  name: 'soak',
  seed: 4,
  backend: 'cpu',
  data: { dataset: 'synthetic', shape: [16], classes: 4, trainSize: 600, testSize: 200, validationSplit: 0.2 },
  teacher: { preset: 'mlp', hidden: [48], dropout: 0.2 },
  student: { preset: 'mlp', hidden: [12], dropout: 0.1 },
  distill: {
    losses: [
      { type: 'ce', weight: 0.5 },
      { type: 'kd', weight: 0.5, temperature: 4 },
    ],
  },
  train: { epochs: 3, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
  baseline: false,
};

/** A small seeded generator, so a soak can be repeated (mulberry32). */
function rng(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Invocation {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runner(args: string[], env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<Invocation> {
  const child = spawn(process.execPath, [RUNNER, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    }),
  );
}

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The run folders of the soak's runs directory (visible ones only). */
function runDirs(runsDir: string): string[] {
  const parent = path.join(runsDir, EXPERIMENT.name);
  if (!fs.existsSync(parent)) return [];
  return fs
    .readdirSync(parent)
    .filter((n) => !n.startsWith('.'))
    .map((n) => path.join(parent, n));
}

/**
 * A stage's current checkpoint is torn when a file its manifest lists is missing or differs, or when
 * a file a checkpoint needs is absent (checked here independently of the engine's own reader).
 */
function tornStages(runDir: string): string[] {
  const root = path.join(runDir, 'checkpoints');
  if (!fs.existsSync(root)) return [];
  const torn: string[] = [];
  for (const stage of fs.readdirSync(root).filter((n) => !n.startsWith('.'))) {
    const dir = path.join(root, stage);
    const manifestFile = path.join(dir, 'checkpoint.json');
    if (!fs.existsSync(manifestFile)) {
      torn.push(`${stage}: no manifest`);
      continue;
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
      files: Record<string, { bytes: number; sha256: string }>;
    };
    for (const needed of ['state.json', 'last/model.json', 'last/weights.bin', 'best/model.json', 'best/weights.bin'])
      if (!manifest.files[needed]) torn.push(`${stage}: ${needed} not in the checkpoint`);
    for (const [rel, expected] of Object.entries(manifest.files)) {
      const file = path.join(dir, rel);
      if (!fs.existsSync(file) || fs.statSync(file).size !== expected.bytes || sha(file) !== expected.sha256)
        torn.push(`${stage}: ${rel} differs from its manifest`);
    }
  }
  return torn;
}

/** What must equal the uninterrupted run: every stage's exported and last weights, and the accuracies. */
function fingerprint(runDir: string): string {
  const root = path.join(runDir, 'checkpoints');
  const parts: string[] = [];
  for (const stage of fs
    .readdirSync(root)
    .filter((n) => !n.startsWith('.'))
    .sort())
    for (const which of ['best', 'last'])
      parts.push(`${stage}/${which} ${sha(path.join(root, stage, which, 'weights.bin'))}`);
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as {
    status: string;
    models: Record<string, { best: unknown; last: unknown }>;
    agreement?: number;
    klTeacherStudent?: number;
  };
  parts.push(summary.status, JSON.stringify(summary.agreement), JSON.stringify(summary.klTeacherStudent));
  for (const [stage, m] of Object.entries(summary.models).sort())
    parts.push(`${stage} ${JSON.stringify(m.best)} ${JSON.stringify(m.last)}`);
  return parts.join('\n');
}

/** Leftovers of interrupted writes, a lock nobody holds, or fallback checkpoints of a finished run. */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (/\.tmp-|^\.next-|^\.prev-|^\.new-|^run\.lock/.test(entry.name)) out.push(full);
    else if (entry.isDirectory()) out.push(...leftovers(full));
  }
  return out;
}

async function main(): Promise<void> {
  const options = new Command()
    .option('--kills <n>', 'SIGKILLs in all', '50')
    .option('--kills-per-run <n>', 'at most this many kills of one run before it may finish', '2')
    .option('--seed <n>', 'seed of the kill schedule', '1')
    .option('--keep', 'keep the runs folder')
    .parse(process.argv)
    .opts<{ kills: string; killsPerRun: string; seed: string; keep?: boolean }>();
  if (!fs.existsSync(RUNNER)) throw new Error(`${RUNNER} is missing: run npm run build first`);
  const random = rng(Number(options.seed));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-soak-'));
  const file = path.join(work, 'soak.kd.json');
  fs.writeFileSync(file, JSON.stringify(EXPERIMENT, null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, KD_WASM_THREADS: '1' };
  delete env.KD_TEST_KILL_IN_CHECKPOINT;

  process.stderr.write('[soak] the uninterrupted run\n');
  const referenceRuns = path.join(work, 'reference');
  const began = Date.now();
  const reference = await runner(['--file', file, '--runs-dir', referenceRuns], env);
  if (reference.code !== 0) throw new Error(`the uninterrupted run failed:\n${reference.stderr}`);
  // Random kills fall anywhere in an invocation's life, start-up included.
  const runMs = Date.now() - began;
  const expected = fingerprint(runDirs(referenceRuns)[0]);

  const totals = {
    runs: 0,
    completed: 0,
    resumed: 0,
    kills: 0,
    killsInCheckpointWrites: 0,
    torn: 0,
    differing: 0,
    leftBehind: 0,
  };
  const problems: string[] = [];
  const target = Number(options.kills);
  while (totals.kills < target) {
    totals.runs++;
    const runsDir = path.join(work, `run-${totals.runs}`);
    let runDir: string | undefined;
    let killsHere = 0;
    for (let attempt = 0; ; attempt++) {
      const killNow = killsHere < Number(options.killsPerRun) && totals.kills < target;
      const inWrite = killNow && random() < 0.5;
      const hookEnv = { ...env };
      // A kill inside the n-th checkpoint write of this invocation, at one of its seven points.
      if (inWrite) hookEnv.KD_TEST_KILL_IN_CHECKPOINT = `${1 + Math.floor(random() * 8)}:${Math.floor(random() * 7)}`;
      const delay = killNow && !inWrite ? Math.floor(random() * runMs) : undefined;
      const args = runDir ? ['--resume', runDir, '--runs-dir', runsDir] : ['--file', file, '--runs-dir', runsDir];
      if (runDir) totals.resumed++;
      const result = await runner(args, hookEnv, delay);
      runDir ??= runDirs(runsDir)[0];
      if (result.signal === 'SIGKILL') {
        totals.kills++;
        killsHere++;
        if (inWrite) totals.killsInCheckpointWrites++;
        if (runDir) {
          const torn = tornStages(runDir);
          totals.torn += torn.length;
          problems.push(...torn.map((t) => `run ${totals.runs}: torn ${t}`));
        }
        continue;
      }
      if (result.code !== 0) {
        problems.push(
          `run ${totals.runs}: the runner exited ${result.code}: ${result.stderr.trim().split('\n').pop()}`,
        );
        break;
      }
      totals.completed++;
      break;
    }
    if (runDir && fs.existsSync(path.join(runDir, 'summary.json'))) {
      if (fingerprint(runDir) !== expected) {
        totals.differing++;
        problems.push(`run ${totals.runs}: result differs from the uninterrupted run`);
      }
    }
    const left = fs.existsSync(runsDir) ? leftovers(runsDir) : [];
    totals.leftBehind += left.length;
    problems.push(...left.map((l) => `run ${totals.runs}: left behind ${path.relative(work, l)}`));
    process.stderr.write(`[soak] run ${totals.runs}: ${killsHere} kill(s), total ${totals.kills}/${target}\n`);
  }

  process.stdout.write(
    [
      `runs: ${totals.runs}`,
      `kills: ${totals.kills} (${totals.killsInCheckpointWrites} inside checkpoint writes)`,
      `runs completed: ${totals.completed}`,
      `resumed: ${totals.resumed}`,
      `checkpoints torn: ${totals.torn}`,
      `results differing from the uninterrupted run: ${totals.differing}`,
      `files left behind: ${totals.leftBehind}`,
      ...problems.map((p) => `  ${p}`),
    ].join('\n') + '\n',
  );
  if (!options.keep) fs.rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept: ${work}\n`);
  const ok = totals.torn === 0 && totals.differing === 0 && totals.leftBehind === 0 && totals.completed === totals.runs;
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
