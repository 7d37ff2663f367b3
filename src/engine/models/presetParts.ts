// Pieces the image presets share: input checks, channel scaling and the conv–BN–ReLU and residual
// building blocks, named so that every preset exposes the same kind of layer names
// (stem, stage1 … stageN, pool, logits) to feature losses.
import type { GraphBuilder, SymbolicTensor } from './graph';

/** PyTorch's batch-norm defaults (momentum 0.1 of the new statistics, ε 1e-5), as the reference nets train with. */
export const BN_MOMENTUM = 0.9;
export const BN_EPSILON = 1e-5;

export function imageShape(shape: number[], preset: string): [number, number, number] {
  if (shape.length !== 3) {
    throw new Error(
      `preset "${preset}" needs image inputs [height, width, channels]; the data has shape [${shape.join(', ')}]`,
    );
  }
  return [shape[0], shape[1], shape[2]];
}

export function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got ${n}`);
  return n;
}

/** A width multiplier as a function on channel counts (rounded, at least one channel). */
export function channelScale(width: number | undefined, preset: string): (channels: number) => number {
  const w = width ?? 1;
  if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
    throw new Error(`${preset}: width must be a positive number, got ${String(width)}`);
  }
  return (channels) => Math.max(1, Math.round(channels * w));
}

/** 3×3 (or k×k) convolution without bias, batch norm, ReLU: `${name}`, `${name}_bn`, `${name}_relu` (or `out`). */
export function convBnRelu(
  g: GraphBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  options: { kernelSize?: number; strides?: number; out?: string } = {},
): SymbolicTensor {
  let y = g.conv2d(x, name, {
    filters,
    kernelSize: options.kernelSize ?? 3,
    strides: options.strides ?? 1,
    padding: 'same',
    useBias: false,
    init: 'he',
  });
  y = g.batchNorm(y, `${name}_bn`, BN_MOMENTUM, BN_EPSILON);
  return g.activation(y, options.out ?? `${name}_relu`, 'relu');
}

export interface BasicBlockOptions {
  /** Name of the block's output layer; `${name}_out` by default. */
  out?: string;
  momentum?: number;
  epsilon?: number;
}

/**
 * The ResNet basic block (He et al. 2016): 3×3 conv, BN, ReLU, 3×3 conv, BN, add the shortcut,
 * ReLU. The shortcut is a 1×1 convolution with BN where the shape changes (option B), else x.
 */
export function basicBlock(
  g: GraphBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  stride: number,
  options: BasicBlockOptions = {},
): SymbolicTensor {
  const momentum = options.momentum ?? BN_MOMENTUM;
  const epsilon = options.epsilon ?? BN_EPSILON;
  const conv = (input: SymbolicTensor, layer: string, kernelSize: number, strides: number): SymbolicTensor =>
    g.conv2d(input, layer, { filters, kernelSize, strides, padding: 'same', useBias: false, init: 'he' });
  let y = conv(x, `${name}_conv1`, 3, stride);
  y = g.batchNorm(y, `${name}_bn1`, momentum, epsilon);
  y = g.activation(y, `${name}_relu1`, 'relu');
  y = conv(y, `${name}_conv2`, 3, 1);
  y = g.batchNorm(y, `${name}_bn2`, momentum, epsilon);
  let shortcut = x;
  if (x.shape[3] !== filters || stride !== 1) {
    shortcut = conv(x, `${name}_proj`, 1, stride);
    shortcut = g.batchNorm(shortcut, `${name}_proj_bn`, momentum, epsilon);
  }
  const sum = g.add([y, shortcut], `${name}_add`);
  return g.activation(sum, options.out ?? `${name}_out`, 'relu');
}

/** Global average pooling (`pool`) and the dense `logits` layer that end every image preset. */
export function poolAndLogits(g: GraphBuilder, x: SymbolicTensor, classes: number): SymbolicTensor {
  return g.dense(g.globalAveragePooling(x, 'pool'), 'logits', classes);
}
