// Wide residual networks (Zagoruyko & Komodakis 2016) for 32×32 images, WRN-depth-k: a 3×3 stem of
// 16 channels, three stages of n = (depth − 4) / 6 pre-activation basic blocks with 16k, 32k, 64k
// channels, a final BN–ReLU, global average pooling and one classifier layer (no dropout).
import type { WrnPreset } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import { BN_EPSILON, BN_MOMENTUM, channelScale, imageShape, poolAndLogits, positive } from './presetParts';
import type { BuildContext, BuiltModel } from './types';

/**
 * Pre-activation block: BN–ReLU, 3×3 conv (stride), BN–ReLU, 3×3 conv, plus the shortcut: x itself
 * where the shape is kept, else a 1×1 convolution of the pre-activated x (as the reference does).
 */
function wideBlock(
  g: GraphBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  stride: number,
  out: string,
): SymbolicTensor {
  const conv = (input: SymbolicTensor, layer: string, kernelSize: number, strides: number): SymbolicTensor =>
    g.conv2d(input, layer, { filters, kernelSize, strides, padding: 'same', useBias: false, init: 'he' });
  const pre = g.activation(g.batchNorm(x, `${name}_bn1`, BN_MOMENTUM, BN_EPSILON), `${name}_relu1`, 'relu');
  let y = conv(pre, `${name}_conv1`, 3, stride);
  y = g.activation(g.batchNorm(y, `${name}_bn2`, BN_MOMENTUM, BN_EPSILON), `${name}_relu2`, 'relu');
  y = conv(y, `${name}_conv2`, 3, 1);
  const keeps = x.shape[3] === filters && stride === 1;
  const shortcut = keeps ? x : conv(pre, `${name}_proj`, 1, stride);
  return g.add([y, shortcut], out);
}

/**
 * `stem` (conv), blocks `stage{s}_block{b}_*` whose last sum per stage is `stage{s}`, then
 * `final_bn`, `final_relu`, `pool`, `logits`.
 */
export function buildWrn(spec: WrnPreset, ctx: BuildContext): BuiltModel {
  imageShape(ctx.inputShape, 'wrn');
  const n = (spec.depth - 4) / 6;
  if (!Number.isInteger(n) || n < 1) throw new Error(`wrn: depth must be 6n+4, e.g. 16, 28, 40 (got ${spec.depth})`);
  const widen = positive(spec.widen ?? 1, 'wrn widen');
  const ch = channelScale(spec.width, 'wrn');
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  let x = g.conv2d(g.input, 'stem', { filters: ch(16), kernelSize: 3, padding: 'same', useBias: false, init: 'he' });
  [16, 32, 64].forEach((base, s) => {
    for (let b = 0; b < n; b += 1) {
      const name = `stage${s + 1}_block${b + 1}`;
      x = wideBlock(
        g,
        x,
        name,
        ch(base * widen),
        s > 0 && b === 0 ? 2 : 1,
        b === n - 1 ? `stage${s + 1}` : `${name}_add`,
      );
    }
  });
  x = g.activation(g.batchNorm(x, 'final_bn', BN_MOMENTUM, BN_EPSILON), 'final_relu', 'relu');
  const model = g.model(poolAndLogits(g, x, ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}
