// The built-in architectures. Each ends with a dense `logits` layer (no activation) and names its
// layers after their role, so loss terms can tap them by readable names.
import type { LeNet5Preset, MlpPreset, ResNetBlocksPreset } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import { basicBlock, imageShape, positive } from './presetParts';
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
 * resnet with `blocks`: a CIFAR-style residual net. stem (3×3 conv, BN, ReLU), then stages of basic blocks
 * (3×3 conv, BN, ReLU, 3×3 conv, BN, add the shortcut, ReLU); the first block of every stage after
 * the first halves the resolution (stride 2) and doubles the channels, with a 1×1 projection
 * shortcut wherever the shape changes. Then global average pooling (gap) and logits.
 */
export function buildResNetBlocks(spec: ResNetBlocksPreset, ctx: BuildContext): BuiltModel {
  imageShape(ctx.inputShape, 'resnet');
  if (spec.blocks.length === 0) throw new Error('resnet needs at least one stage (blocks: [n, …])');
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  const base = positive(spec.width ?? 16, 'resnet width');
  // Convolutions followed by batch norm need no bias: BN's beta takes its place.
  let x = g.conv2d(g.input, 'stem', { filters: base, kernelSize: 3, padding: 'same', useBias: false, init: 'he' });
  x = g.batchNorm(x, 'stem_bn');
  x = g.activation(x, 'stem_relu', 'relu');
  spec.blocks.forEach((count, s) => {
    const filters = base * 2 ** s;
    for (let b = 0; b < positive(count, 'resnet blocks per stage'); b += 1) {
      const name = `stage${s + 1}_block${b + 1}`;
      const stride = s > 0 && b === 0 ? 2 : 1;
      // TF.js's batch-norm defaults: this form predates the reference presets and keeps its numbers.
      x = basicBlock(g, x, name, filters, stride, { momentum: 0.99, epsilon: 1e-3 });
    }
  });
  x = g.globalAveragePooling(x, 'gap');
  const model = g.model(g.dense(x, 'logits', ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}
