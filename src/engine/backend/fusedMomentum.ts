// SGD with momentum in one pass per variable on the wasm backend. tf.MomentumOptimizer issues three
// or five element-wise kernels per variable (μ·a, + g, −lr·a', + w, and two more with Nesterov),
// each a full pass over the variable; the fused update reads value, accumulation and gradient once
// and writes the two results once, four floats at a time in WebAssembly SIMD (simdKernels.ts), in
// tf.MomentumOptimizer's float32 order, with its state, so checkpoints stay interchangeable.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels } from './simdKernels';

export const FUSED_MOMENTUM_KERNEL = 'KdFusedMomentum';

interface FusedMomentumAttrs {
  momentum: number;
  learningRate: number;
  nesterov: boolean;
}

function fusedMomentumKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { value, accumulation, grad } = args.inputs as Record<'value' | 'accumulation' | 'grad', tf.TensorInfo>;
  const { momentum, learningRate, nesterov } = args.attrs as unknown as FusedMomentumAttrs;
  const backend = args.backend as BackendWasm;
  const outs = [backend.makeOutput(value.shape, 'float32'), backend.makeOutput(accumulation.shape, 'float32')];
  const count = value.shape.reduce((a, b) => a * b, 1);
  const simd = simdKernels(backend);
  const quads = simd ? count - (count % 4) : 0;
  if (simd && quads > 0) {
    const [pw, pa, pg, pw1, pa1] = [value, accumulation, grad, ...outs].map((t) => heapOffset(backend, t.dataId));
    simd.momentum(pw, pa, pg, pw1, pa1, quads, momentum, -learningRate, nesterov ? 1 : 0);
  }
  // The remainder (everything without SIMD) in float32 steps, as the SIMD loop and TF.js's kernels round.
  const [w, a, g] = [value, accumulation, grad].map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  const [w1, a1] = outs.map((t) => backend.typedArrayFromHeap(t) as Float32Array);
  const f = Math.fround;
  const mu = f(momentum);
  const c = f(-learningRate);
  for (let i = quads; i < count; i++) {
    const ai = f(f(mu * a[i]) + g[i]);
    a1[i] = ai;
    w1[i] = f(f(c * (nesterov ? f(g[i] + f(ai * mu)) : ai)) + w[i]);
  }
  return outs;
}

let kernelRegistered = false;

/** Registers the fused update for the wasm backend (idempotent). */
export function registerFusedMomentumKernel(): void {
  if (kernelRegistered || tf.getKernel(FUSED_MOMENTUM_KERNEL, 'wasm')) {
    kernelRegistered = true;
    return;
  }
  tf.registerKernel({ kernelName: FUSED_MOMENTUM_KERNEL, backendName: 'wasm', kernelFunc: fusedMomentumKernel });
  kernelRegistered = true;
}

/**
 * tf.MomentumOptimizer with a one-pass update where the active backend is wasm; elsewhere it is
 * tf.MomentumOptimizer unchanged. Same state (accumulations, iteration count).
 */
export class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: Parameters<tf.MomentumOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'wasm') {
      super.applyGradients(variableGradients);
      return;
    }
    registerFusedMomentumKernel();
    const self = this as unknown as {
      accumulations: { originalName: string; variable: tf.Variable }[];
      useNesterov: boolean;
      momentum: number;
    };
    const attrs: FusedMomentumAttrs = {
      momentum: self.momentum,
      learningRate: this.learningRate,
      nesterov: self.useNesterov,
    };
    // minimize() with a variable list passes [{ name, tensor }]; variableGrads() gives a name → tensor map.
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    entries.forEach(([name, grad], i) => {
      const value = tf.engine().registeredVariables[name];
      if (self.accumulations[i] == null)
        self.accumulations[i] = {
          originalName: `${name}/momentum`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
      const accumulation = self.accumulations[i].variable;
      if (grad == null) return;
      const [newValue, newAccumulation] = tf
        .engine()
        .runKernel(
          FUSED_MOMENTUM_KERNEL,
          { value, accumulation, grad },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      accumulation.assign(newAccumulation);
      value.assign(newValue);
      tf.dispose([newValue, newAccumulation]);
    });
    this.incrementIterations();
  }
}
