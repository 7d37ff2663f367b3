// The benchmark: one run, one JSON document on stdout (progress on stderr).
//   npm run bench                      all sections
//   node dist/bench.js --out bench.json   also write the document to a file
//   node dist/bench.js --only wasm,peer   some sections: limit, peer, wasm, kernels, vision, cpu, memory, caching, latency, loop, webview, compare, sweep
// (`npm run bench` lets npm print its banner on stdout too; `npm run -s bench` does not.)
// Machines are shared and noisy: compare ratios measured in the same run, and read the load
// averages recorded at the start and the end.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { selectBackend, type BackendChoice } from '../src/engine/backend/select';
import { FusedAdamOptimizer } from '../src/engine/backend/fusedAdam';
import { createOptimizer } from '../src/engine/train/optimizer';
import { HINTON_MLP, LENET_PAIR, MOBILENET_PAIR, RESNET_PAIR, SMALL_MLP, VGG_PAIR, type PairSpec } from './kdStep';
import { measureCaching, measureSteps, type StepMeasure } from './training';
import { measureMemory } from './memory';
import { measureLatencyAgreement } from './latency';
import { measureEventLoop } from './eventLoop';
import { runFastestScript, runPeerScript, type Unavailable } from './python';
import { measureSweep } from './sweep';
import { profileStep } from './profile';
import { measureKernelGains } from './kernelGains';

const SECTIONS = [
  'limit',
  'peer',
  'wasm',
  'kernels',
  'vision',
  'cpu',
  'memory',
  'caching',
  'latency',
  'loop',
  'webview',
  'compare',
  'sweep',
] as const;
type Section = (typeof SECTIONS)[number];

const ROOT = path.resolve(__dirname, '..');

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

interface GemmResult {
  available: true;
  numpy: string;
  blas: string;
  gflops: number;
  results: { n: number; gflopsMedian: number; gflopsBest: number; medianMs: number }[];
}

interface PeerStep {
  pair: string;
  teacher: 'live' | 'cached';
  batchSize: number;
  msPerStep: number;
  cpuMsPerStep?: number;
  minMs: number;
  samplesPerSecond: number;
}

interface PeerResult {
  available: true;
  torch: string;
  /** MKL, oneDNN and CPU-capability lines of torch.__config__.show(). */
  build: Record<string, string>;
  considered: string[];
  threads: number;
  configMentionsOpenblas: boolean;
  blasInfo: string;
  blasLoaded: string[];
  openblasLoaded: boolean;
  mkldnn: boolean;
  results: (PeerStep & { stepMs?: number[] })[];
}

const WASM_STEPS = { warmup: 3, steps: 20 };
const CPU_MLP_STEPS = { warmup: 1, steps: 3 };
const CPU_CONV_STEPS = { warmup: 1, steps: 4 };
const PEER_STEPS = { warmup: 3, steps: 20 };
/** The 32×32×3 pairs take seconds per step on wasm: few steps, each side interleaved per pair. */
const VISION_STEPS = { warmup: 1, steps: 3 };
const VISION_PEER_STEPS = { warmup: 2, steps: 5 };
const VISION_PAIRS = [RESNET_PAIR, VGG_PAIR, MOBILENET_PAIR];

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    logicalCores: cpus.length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

function packageVersion(name: string): string {
  try {
    const file = require.resolve(`${name}/package.json`, { paths: [ROOT] });
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

import { benchCompareRendering } from './webview/compareRender';

async function importWebviewBench(): Promise<unknown> {
  let mod: { benchWebviewRendering?: () => Promise<unknown> | unknown };
  try {
    // Owned by the webview side; bundled when present. esbuild leaves a require in try/catch alone when the file is absent.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional module, see above
    mod = require('./webview/render') as typeof mod;
  } catch (error) {
    return {
      available: false,
      reason: `bench/webview/render is not present (${(error as Error).message.split('\n')[0]})`,
    };
  }
  if (typeof mod.benchWebviewRendering !== 'function')
    return { available: false, reason: 'bench/webview/render does not export benchWebviewRendering()' };
  try {
    return await mod.benchWebviewRendering();
  } catch (error) {
    return { available: false, reason: `benchWebviewRendering failed: ${(error as Error).message}` };
  }
}

/** Writes what has been measured so far (a run cut short on a crowded machine still leaves its figures). */
function checkpoint(file: string | undefined, report: Record<string, unknown>): void {
  if (file) fs.writeFileSync(file, JSON.stringify({ ...report, partial: true }, null, 2) + '\n');
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function withFraction(m: StepMeasure, limit: number | undefined): StepMeasure & { fractionOfLimit?: number } {
  return limit ? { ...m, fractionOfLimit: round(m.gflops / limit, 4) } : m;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('bench')
    .option('--only <sections>', `comma-separated subset of: ${SECTIONS.join(', ')}`)
    .option('--memory-steps <n>', 'steps of the memory run', '1000')
    .option(
      '--pairs <names>',
      `the vision section's pairs, comma-separated (default: all of ${VISION_PAIRS.map((p) => p.name).join(', ')})`,
    )
    .option('--out <file>', 'also write the JSON document to this file');
  program.parse(process.argv);
  const options = program.opts<{ only?: string; memorySteps: string; out?: string; pairs?: string }>();
  const visionPairs = options.pairs
    ? options.pairs.split(',').map((name) => {
        const spec = VISION_PAIRS.find((p) => p.name === name.trim());
        if (!spec) throw new Error(`unknown pair "${name}"; known: ${VISION_PAIRS.map((p) => p.name).join(', ')}`);
        return spec;
      })
    : VISION_PAIRS;
  const wanted = new Set<Section>(
    options.only ? (options.only.split(',').map((s) => s.trim()) as Section[]) : SECTIONS,
  );
  for (const s of wanted)
    if (!SECTIONS.includes(s)) throw new Error(`unknown section "${s}"; known: ${SECTIONS.join(', ')}`);
  const began = performance.now();
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: machine(),
    loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
    node: process.version,
    tfjs: tf.version.tfjs,
    tfjsBackendWasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
  };

  // The Python peers first, while this process is idle, so they do not compete with it.
  let limit: GemmResult | Unavailable | undefined;
  if (wanted.has('limit')) {
    progress('limit: numpy f32 GEMM (every Python with numpy; the fastest counts)');
    limit = runFastestScript<GemmResult>(ROOT, 'gemm.py', 'numpy', ['1024', '2048'], 120_000, (r) => r.gflops);
    report.limit = limit;
  }
  const limitGflops = limit && limit.available ? limit.gflops : undefined;
  let peer: PeerResult | Unavailable | undefined;
  const runPeer = (pairs: PairSpec[], steps: { warmup: number; steps: number }): void => {
    const cases = pairs.flatMap((spec) =>
      (['live', 'cached'] as const).map((teacher) => ({ pair: spec.name, teacher, ...steps })),
    );
    const ran = runPeerScript<PeerResult>(ROOT, 'kd_step.py', 'torch', [JSON.stringify(cases)], 600_000);
    if (ran.available) ran.results.forEach((r) => delete r.stepMs);
    if (peer?.available && ran.available) peer.results.push(...ran.results);
    else if (!peer?.available) peer = ran;
    report.peer = peer;
    checkpoint(options.out, report);
  };
  // The MLP and LeNet peers pair with the wasm section; `--only peer,vision` times the 32×32×3 pairs alone.
  if (wanted.has('peer') && (wanted.has('wasm') || !wanted.has('vision'))) {
    progress('peer: the same KD steps in PyTorch (the newest torch found)');
    runPeer([HINTON_MLP, LENET_PAIR], PEER_STEPS);
  }

  const backends: Record<string, BackendChoice> = {};
  const training: (StepMeasure & { fractionOfLimit?: number })[] = [];
  const needsWasm = ['wasm', 'kernels', 'vision', 'memory', 'caching', 'latency'].some((s) => wanted.has(s as Section));
  if (needsWasm) {
    backends.wasm = await selectBackend('wasm');
    progress(`wasm: ${backends.wasm.threads ?? 1} thread(s) ${backends.wasm.notes.join('; ')}`);
  }
  if (wanted.has('wasm')) {
    // Not instanceof: TF.js optimizers answer it by duck typing.
    const engineAdam = createOptimizer({
      type: 'adam',
      lr: 1e-3,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      weightDecay: 0,
    });
    const engineAdamIsFused = engineAdam.constructor === FusedAdamOptimizer;
    engineAdam.dispose();
    report.engineAdamIsFused = engineAdamIsFused;
    for (const spec of [HINTON_MLP, LENET_PAIR]) {
      for (const teacher of ['live', 'cached'] as const) {
        progress(`wasm: ${spec.name}, ${teacher} teacher`);
        training.push(withFraction(measureSteps(spec, { teacher, ...WASM_STEPS }), limitGflops));
        if (spec === HINTON_MLP && !engineAdamIsFused) {
          progress(`wasm: ${spec.name}, ${teacher} teacher, fused Adam`);
          training.push(
            withFraction(measureSteps(spec, { teacher, optimizer: 'fused-adam', ...WASM_STEPS }), limitGflops),
          );
        }
      }
    }
    progress('wasm: profile of one Hinton MLP and one LeNet step');
    report.profile = [await profileStep(HINTON_MLP, true), await profileStep(LENET_PAIR, true)];
  }
  if (wanted.has('kernels')) {
    progress('kernels: each kernel change of this round, before against after, alternating');
    report.kernelGains = measureKernelGains();
    checkpoint(options.out, report);
  }
  if (wanted.has('vision')) {
    // Pair by pair, PyTorch then ours, so a change in the machine's load hits both sides of a ratio alike.
    for (const spec of visionPairs) {
      if (wanted.has('peer')) {
        progress(`peer: ${spec.name}`);
        runPeer([spec], VISION_PEER_STEPS);
      }
      for (const teacher of ['live', 'cached'] as const) {
        progress(`wasm: ${spec.name}, ${teacher} teacher`);
        training.push(withFraction(measureSteps(spec, { teacher, ...VISION_STEPS }), limitGflops));
        report.training = training;
        checkpoint(options.out, report);
      }
    }
    progress(`wasm: profile of one ${RESNET_PAIR.name} step`);
    const profiles = (report.profile as unknown[] | undefined) ?? [];
    report.profile = [...profiles, await profileStep(RESNET_PAIR, true, 1)];
  }
  if (wanted.has('caching')) {
    progress('caching: epoch with a live teacher versus cached logits');
    report.teacherCaching = measureCaching(HINTON_MLP, HINTON_MLP.batchSize * 10);
  }
  if (wanted.has('latency')) {
    progress('latency: identical architectures timed as a run times its models (wasm)');
    report.latencyAgreement = measureLatencyAgreement();
  }
  if (wanted.has('memory')) {
    const steps = Number(options.memorySteps);
    progress(`memory: ${steps} steps of a small pair`);
    report.memory = measureMemory(SMALL_MLP, steps);
  }
  if (wanted.has('cpu')) {
    backends.cpu = await selectBackend('cpu');
    progress(`cpu: ${HINTON_MLP.name}`);
    training.push(withFraction(measureSteps(HINTON_MLP, { teacher: 'live', ...CPU_MLP_STEPS }), limitGflops));
    progress(`cpu: ${LENET_PAIR.name}`);
    training.push(withFraction(measureSteps(LENET_PAIR, { teacher: 'live', ...CPU_CONV_STEPS }), limitGflops));
  }
  report.backends = backends;
  report.training = training;

  if (wanted.has('loop')) {
    progress('event loop: the host reading a runner');
    report.eventLoop = await measureEventLoop(ROOT);
  }
  if (wanted.has('webview')) {
    progress('webview rendering');
    report.webview = await importWebviewBench();
  }
  if (wanted.has('compare')) {
    progress('comparison view with 1,000 runs');
    try {
      report.compareView = await benchCompareRendering();
    } catch (error) {
      report.compareView = { available: false, reason: `benchCompareRendering failed: ${(error as Error).message}` };
    }
  }

  if (wanted.has('sweep')) {
    // Last: it runs kd sweep in child processes, which must not compete with the sections above.
    try {
      report.sweep = measureSweep(ROOT, progress);
    } catch (error) {
      report.sweep = { available: false, reason: `sweep benchmark failed: ${(error as Error).message}` };
    }
  }

  report.comparisons = compare(training, peer, limitGflops);
  report.targets = targets(report, training, peer, limitGflops);
  report.loadAverageAtEnd = os.loadavg().map((l) => round(l, 2));
  report.durationSeconds = round((performance.now() - began) / 1000, 1);
  const text = JSON.stringify(report, null, 2) + '\n';
  if (options.out) fs.writeFileSync(options.out, text);
  process.stdout.write(text);
}

function find(
  training: StepMeasure[],
  pair: string,
  backend: string,
  teacher: string,
  optimizer = 'engine',
): StepMeasure | undefined {
  return training.find(
    (t) => t.pair === pair && t.backend === backend && t.teacher === teacher && t.optimizer === optimizer,
  );
}

/** The ratios the targets in docs/performance.md are stated in. */
function compare(
  training: StepMeasure[],
  peer: PeerResult | Unavailable | undefined,
  limit: number | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (peer?.available) {
    out.versusPyTorch = peer.results.flatMap((p) =>
      (['engine', 'fused-adam'] as const).flatMap((optimizer) => {
        const ours = find(training, p.pair, 'wasm', p.teacher, optimizer);
        // Above 1: faster than PyTorch. Medians, and best steps: PyTorch's two OpenMP threads suffer
        // most from a busy core, and the best step is the least disturbed estimate of each side.
        return ours
          ? [
              {
                pair: p.pair,
                teacher: p.teacher,
                optimizer,
                oursMs: round(ours.msPerStep, 1),
                pytorchMs: round(p.msPerStep, 1),
                speedRelativeToPyTorch: round(p.msPerStep / ours.msPerStep),
                oursBestMs: round(ours.minMs, 1),
                pytorchBestMs: round(p.minMs, 1),
                bestSpeedRelativeToPyTorch: round(p.minMs / ours.minMs),
                oursCpuMs: round(ours.cpuMsPerStep, 1),
                pytorchCpuMs: p.cpuMsPerStep === undefined ? null : round(p.cpuMsPerStep, 1),
              },
            ]
          : [];
      }),
    );
  }
  const convWasm = find(training, LENET_PAIR.name, 'wasm', 'live');
  const convCpu = find(training, LENET_PAIR.name, 'cpu', 'live');
  if (convWasm && convCpu) out.convWasmSpeedupOverCpu = round(convCpu.msPerStep / convWasm.msPerStep, 2);
  const mlpWasm = find(training, HINTON_MLP.name, 'wasm', 'live');
  const mlpCpu = find(training, HINTON_MLP.name, 'cpu', 'live');
  if (mlpWasm && mlpCpu) out.mlpWasmSpeedupOverCpu = round(mlpCpu.msPerStep / mlpWasm.msPerStep, 2);
  if (limit) out.limitGflops = round(limit, 1);
  return out;
}

/** The targets of docs/performance.md, each true, false, or null when its inputs were not measured. */
function targets(
  report: Record<string, unknown>,
  training: StepMeasure[],
  peer: PeerResult | Unavailable | undefined,
  limit: number | undefined,
): Record<string, boolean | null> {
  // The product as it ships: the engine's own optimizer, the teacher run every step.
  const mlp = find(training, HINTON_MLP.name, 'wasm', 'live');
  const torchStep = (pair: string): PeerStep | undefined =>
    peer?.available ? peer.results.find((r) => r.pair === pair && r.teacher === 'live') : undefined;
  const torch = torchStep(HINTON_MLP.name);
  /** Our speed relative to PyTorch's on the pair with the teacher live, best steps: at least half? */
  const halfOfPyTorch = (pair: string): boolean | null => {
    const ours = find(training, pair, 'wasm', 'live');
    const theirs = torchStep(pair);
    return ours && theirs ? theirs.minMs / ours.minMs >= 0.5 : null;
  };
  const mlpProfile = (report.profile as { pair: string; optimizerShare: number }[] | undefined)?.find(
    (p) => p.pair === HINTON_MLP.name,
  );
  const convWasm = find(training, LENET_PAIR.name, 'wasm', 'live');
  const convCpu = find(training, LENET_PAIR.name, 'cpu', 'live');
  const caching = report.teacherCaching as { reduction: number; teacherShare: number } | undefined;
  const memory = report.memory as
    | { tensorsAfterFirstStep: number; tensorsAfterLastStep: number; rssGrowthMiB: number; rssAfterWarmupMiB: number }
    | undefined;
  return {
    // Best steps of each side (see compare()); the medians are in `comparisons`.
    hintonMlpAtLeastHalfPyTorch: halfOfPyTorch(HINTON_MLP.name),
    lenetAtLeastHalfPyTorch: halfOfPyTorch(LENET_PAIR.name),
    resnetAtLeastHalfPyTorch: halfOfPyTorch(RESNET_PAIR.name),
    optimizerUnderTenthOfMlpStep: mlpProfile ? mlpProfile.optimizerShare < 0.1 : null,
    hintonMlpAtLeastAsFastAsPyTorch: mlp && torch ? mlp.minMs <= torch.minMs : null,
    hintonMlpAtLeastTenthOfGemmLimit: mlp && limit ? mlp.gflops >= 0.1 * limit : null,
    convWasmAtLeastFiveTimesCpu: convWasm && convCpu ? convCpu.msPerStep >= 5 * convWasm.msPerStep : null,
    // Timing noise of a few percent is allowed: the saving must reach the teacher's share within 0.02.
    cachingSavesTeacherShare: caching ? caching.reduction >= caching.teacherShare - 0.02 : null,
    tensorCountFlat: memory ? memory.tensorsAfterLastStep === memory.tensorsAfterFirstStep : null,
    // Flat: within 16 MiB or 5 % of the resident set after warm-up, whichever is larger.
    rssFlatAfterWarmup: memory ? Math.abs(memory.rssGrowthMiB) <= Math.max(16, 0.05 * memory.rssAfterWarmupMiB) : null,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
