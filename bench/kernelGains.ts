// What each kernel change gained: the kernel before the change and after it, timed alternately in
// one process on wasm, so a change in the machine's load hits both sides alike. "Before" is the
// shipped TF.js kernel (or TF.js's optimizer, or the JavaScript loop a WebAssembly kernel replaced).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FusedAdamOptimizer } from '../src/engine/backend/fusedAdam';
import { FusedMomentumOptimizer } from '../src/engine/backend/fusedMomentum';
import { avgPoolGrad, maxPoolGrad } from '../src/engine/backend/poolGrad';
import { useSimdKernels } from '../src/engine/backend/simdKernels';
import { shippedKernel } from '../src/engine/backend/wasmKernels';

export interface KernelGain {
  change: string;
  shape: string;
  before: string;
  after: string;
  beforeBestMs: number;
  afterBestMs: number;
  beforeMedianMs: number;
  afterMedianMs: number;
  /** beforeBestMs ÷ afterBestMs. */
  speedup: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Runs `before` and `after` alternately `reps` times (after one warm-up each). */
function alternate(
  change: string,
  shape: string,
  labels: [string, string],
  before: () => void,
  after: () => void,
  reps: number,
): KernelGain {
  const times: [number[], number[]] = [[], []];
  const sides = [before, after];
  sides.forEach((f) => f());
  for (let r = 0; r < reps; r++) {
    sides.forEach((f, k) => {
      const t0 = performance.now();
      f();
      times[k].push(performance.now() - t0);
    });
  }
  const [b, a] = times.map((t) => Math.min(...t));
  return {
    change,
    shape,
    before: labels[0],
    after: labels[1],
    beforeBestMs: round(b),
    afterBestMs: round(a),
    beforeMedianMs: round(median(times[0])),
    afterMedianMs: round(median(times[1])),
    speedup: round(b / a),
  };
}

/** The Hinton student's variables (784-800-800-10, 1.3 M parameters) and gradients for them. */
type Gradients = { name: string; tensor: tf.Tensor }[];

function studentVariables(): { variables: tf.Variable[]; grads: Gradients; tensors: tf.Tensor[] } {
  const shapes = [[784, 800], [800], [800, 800], [800], [800, 10], [10]];
  const variables = shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.05), true, `gain_v${i}_${Math.random()}`));
  const tensors = variables.map((v) => tf.randomNormal(v.shape, 0, 0.01));
  const grads = variables.map((v, i) => ({ name: v.name, tensor: tensors[i] }));
  return { variables, grads, tensors };
}

function optimizerGains(reps: number): KernelGain[] {
  const { variables, grads, tensors } = studentVariables();
  const shape = '1.3 M parameters (784-800-800-10)';
  const fused = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
  const adam = alternate(
    'Adam in WebAssembly SIMD',
    shape,
    ['one-pass JavaScript loop', 'SIMD'],
    () => {
      useSimdKernels(false);
      fused.applyGradients(grads);
      useSimdKernels(true);
    },
    () => fused.applyGradients(grads),
    reps,
  );
  const tfAdam = new tf.AdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
  const versusTf = alternate(
    'Adam: TF.js against the fused SIMD update',
    shape,
    ['tf.AdamOptimizer', 'FusedAdamOptimizer (SIMD)'],
    () => tfAdam.applyGradients(grads),
    () => fused.applyGradients(grads),
    reps,
  );
  const tfMomentum = new tf.MomentumOptimizer(0.05, 0.9, true);
  const fusedMomentum = new FusedMomentumOptimizer(0.05, 0.9, true);
  const momentum = alternate(
    'SGD with Nesterov momentum in one pass',
    shape,
    ['tf.MomentumOptimizer', 'FusedMomentumOptimizer (SIMD)'],
    () => tfMomentum.applyGradients(grads),
    () => fusedMomentum.applyGradients(grads),
    reps,
  );
  [fused, tfAdam, tfMomentum, fusedMomentum].forEach((o) => o.dispose());
  tf.dispose([...variables, ...tensors]);
  return [adam, versusTf, momentum];
}

/** Calls a kernel function directly and frees its output. */
function invoke(kernel: tf.KernelFunc, inputs: tf.NamedTensorInfoMap, attrs: object): void {
  const backend = tf.backend() as BackendWasm;
  const out = kernel({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  (Array.isArray(out) ? out : [out]).forEach((t) => backend.disposeData(t.dataId));
}

function poolGains(reps: number): KernelGain[] {
  const gains: KernelGain[] = [];
  // LeNet-5's two pools (batch 64): after conv1 (24×24×6) and conv2 (8×8×16).
  for (const shape of [
    [64, 24, 24, 6],
    [64, 8, 8, 16],
  ] as [number, number, number, number][]) {
    const input = tf.randomNormal(shape) as tf.Tensor4D;
    const output = tf.maxPool(input, 2, 2, 'valid');
    const dy = tf.randomNormal(output.shape);
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    for (const [name, ours] of [
      ['MaxPoolGrad', maxPoolGrad],
      ['AvgPoolGrad', avgPoolGrad],
    ] as const) {
      const shipped = shippedKernel(name);
      if (!shipped) continue;
      gains.push(
        alternate(
          `${name} in one pass per window`,
          `${shape.join('×')}, 2×2 stride 2`,
          ['shipped kernel', 'replacement'],
          () => invoke(shipped, { dy, input, output }, attrs),
          () => invoke(ours, { dy, input, output }, attrs),
          reps,
        ),
      );
    }
    tf.dispose([input, output, dy]);
  }
  return gains;
}

function convGains(reps: number): KernelGain[] {
  // A ResNet-8 stage-1 layer at batch 128: 32×32×16, 3×3×16×16, stride 1, same padding.
  const x = tf.randomNormal([128, 32, 32, 16]);
  const dy = tf.randomNormal([128, 32, 32, 16]);
  const filter = tf.randomNormal([3, 3, 16, 16]);
  const conv = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () =>
    tf.dispose(tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor);
  const js = (f: () => void) => () => {
    useSimdKernels(false);
    try {
      f();
    } finally {
      useSimdKernels(true);
    }
  };
  const shape = '128×32×32×16, 3×3×16×16, stride 1, same';
  const filterGrad = run('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [3, 3, 16, 16] });
  const inputGrad = run('Conv2DBackpropInput', { dy, filter }, { ...conv, inputShape: [128, 32, 32, 16] });
  const identity = shippedKernel('Identity');
  const gains = [
    alternate(
      'Conv2DBackpropFilter: im2col in WebAssembly',
      shape,
      ['JavaScript im2col', 'WebAssembly im2col'],
      js(filterGrad),
      filterGrad,
      reps,
    ),
    alternate(
      'Conv2DBackpropInput: col2im in WebAssembly SIMD',
      shape,
      ['JavaScript col2im', 'WebAssembly col2im'],
      js(inputGrad),
      inputGrad,
      reps,
    ),
  ];
  if (identity)
    gains.push(
      alternate(
        'Identity shares its input',
        '128×32×32×16',
        ['shipped copy', 'shared data'],
        () => invoke(identity, { x }, {}),
        run('Identity', { x }, {}),
        reps,
      ),
    );
  tf.dispose([x, dy, filter]);
  return gains;
}

/** Every kernel change of this round, before against after; wasm must be the active backend. */
export function measureKernelGains(reps = 9): KernelGain[] {
  if (tf.getBackend() !== 'wasm') throw new Error('kernel gains are measured on the wasm backend');
  return [...optimizerGains(reps), ...poolGains(reps), ...convGains(Math.max(3, Math.round(reps / 2)))];
}
