// The built-in architectures. Each ends with a dense `logits` layer (no activation) and names its
// layers after their role, so loss terms can tap them by readable names.
import type { LeNet5Preset, MlpPreset, ResNetPreset } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import type { BuildContext, BuiltModel } from './types';

/** mlp: hidden_1 … hidden_n (each optionally followed by dropout_i), logits. */
export function buildMlp(spec: MlpPreset, ctx: BuildContext): BuiltModel {
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  let x: SymbolicTensor = g.input;
  spec.hidden.forEach((units, i) => {
    x = g.dense(x, `hidden_${i + 1}`, positive(units, 'mlp hidden size'), spec.activation ?? 'relu');
    if (spec.dropout !== undefined && spec.dropout > 0) x = g.dropout(x, `dropout_${i + 1}`, spec.dropout);
  });
  const model = g.model(g.dense(x, 'logits', ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}

/**
 * lenet5: conv1 (5×5, 6) → pool1 → conv2 (5×5, 16) → pool2 → flatten → fc1 (120) → fc2 (84) → logits,
 * with ReLU and max pooling. The classic net reads 32×32 images; on smaller ones (MNIST's 28×28) the
 * first convolution pads ('same') so the feature maps keep the classic 5×5 size before flatten, and
 * the second pads too when the map would otherwise vanish.
 */
export function buildLeNet5(spec: LeNet5Preset, ctx: BuildContext): BuiltModel {
  const [h, w] = imageShape(ctx.inputShape, 'lenet5');
  const scale = spec.width ?? 1;
  const width = (n: number): number => Math.max(1, Math.round(n * scale));
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  const firstPadding = Math.min(h, w) < 32 ? 'same' : 'valid';
  let x = g.conv2d(g.input, 'conv1', { filters: width(6), kernelSize: 5, padding: firstPadding, activation: 'relu' });
  x = g.pool(x, 'pool1', 'max', 2, 2, 'same');
  const afterPool = Math.min(x.shape[1] ?? 0, x.shape[2] ?? 0);
  x = g.conv2d(x, 'conv2', {
    filters: width(16),
    kernelSize: 5,
    padding: afterPool >= 6 ? 'valid' : 'same',
    activation: 'relu',
  });
  x = g.pool(x, 'pool2', 'max', 2, 2, 'same');
  x = g.flatten(x, 'flatten');
  x = g.dense(x, 'fc1', width(120), 'relu');
  x = g.dense(x, 'fc2', width(84), 'relu');
  const model = g.model(g.dense(x, 'logits', ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}

/**
 * resnet: a CIFAR-style residual net. stem (3×3 conv, BN, ReLU), then stages of basic blocks
 * (3×3 conv, BN, ReLU, 3×3 conv, BN, add the shortcut, ReLU); the first block of every stage after
 * the first halves the resolution (stride 2) and doubles the channels, with a 1×1 projection
 * shortcut wherever the shape changes. Then global average pooling (gap) and logits.
 */
export function buildResNet(spec: ResNetPreset, ctx: BuildContext): BuiltModel {
  imageShape(ctx.inputShape, 'resnet');
  if (spec.blocks.length === 0) throw new Error('resnet needs at least one stage (blocks: [n, …])');
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  const base = positive(spec.width ?? 16, 'resnet width');
  // Convolutions followed by batch norm need no bias: BN's beta takes its place.
  let x = g.conv2d(g.input, 'stem', { filters: base, kernelSize: 3, padding: 'same', useBias: false, init: 'he' });
  x = g.batchNorm(x, 'stem_bn');
  x = g.activation(x, 'stem_relu', 'relu');
  let channels = base;
  spec.blocks.forEach((count, s) => {
    const filters = base * 2 ** s;
    for (let b = 0; b < positive(count, 'resnet blocks per stage'); b += 1) {
      const name = `stage${s + 1}_block${b + 1}`;
      const stride = s > 0 && b === 0 ? 2 : 1;
      x = basicBlock(g, x, name, filters, stride, channels !== filters || stride !== 1);
      channels = filters;
    }
  });
  x = g.globalAveragePooling(x, 'gap');
  const model = g.model(g.dense(x, 'logits', ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}

function basicBlock(
  g: GraphBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  stride: number,
  project: boolean,
): SymbolicTensor {
  let y = g.conv2d(x, `${name}_conv1`, {
    filters,
    kernelSize: 3,
    strides: stride,
    padding: 'same',
    useBias: false,
    init: 'he',
  });
  y = g.batchNorm(y, `${name}_bn1`);
  y = g.activation(y, `${name}_relu1`, 'relu');
  y = g.conv2d(y, `${name}_conv2`, { filters, kernelSize: 3, padding: 'same', useBias: false, init: 'he' });
  y = g.batchNorm(y, `${name}_bn2`);
  let shortcut = x;
  if (project) {
    shortcut = g.conv2d(x, `${name}_proj`, {
      filters,
      kernelSize: 1,
      strides: stride,
      padding: 'same',
      useBias: false,
      init: 'he',
    });
    shortcut = g.batchNorm(shortcut, `${name}_proj_bn`);
  }
  const sum = g.add([y, shortcut], `${name}_add`);
  return g.activation(sum, `${name}_out`, 'relu');
}

function imageShape(shape: number[], preset: string): [number, number, number] {
  if (shape.length !== 3) {
    throw new Error(
      `preset "${preset}" needs image inputs [height, width, channels]; the data has shape [${shape.join(', ')}]`,
    );
  }
  return [shape[0], shape[1], shape[2]];
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got ${n}`);
  return n;
}
