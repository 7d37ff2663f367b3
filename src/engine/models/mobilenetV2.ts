// MobileNetV2 (Sandler et al. 2018) in the CIFAR form RepDistiller distils into: a stride-2 3×3
// stem, inverted residual blocks (1×1 expansion, 3×3 depthwise, linear 1×1 projection, a skip
// connection where the shape is kept), a 1×1 head of 1280 channels, average pooling, one classifier.
import type { MobileNetV2Preset } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import { BN_EPSILON, BN_MOMENTUM, convBnRelu, imageShape, poolAndLogits, positive } from './presetParts';
import type { BuildContext, BuiltModel } from './types';

/** [expansion (t, or 1), output channels, blocks, stride of the first block] per stage. */
export function mobileNetV2Plan(expansion: number): [number, number, number, number][] {
  return [
    [1, 16, 1, 1],
    [expansion, 24, 2, 1],
    [expansion, 32, 3, 2],
    [expansion, 64, 4, 2],
    [expansion, 96, 3, 1],
    [expansion, 160, 3, 2],
    [expansion, 320, 1, 1],
  ];
}

/** Channels under the width multiplier: truncated, as the reference computes int(c · width). */
export function mobileChannels(channels: number, width: number): number {
  return Math.max(1, Math.floor(channels * width));
}

function invertedResidual(
  g: GraphBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  stride: number,
  expansion: number,
  out: string | undefined,
): SymbolicTensor {
  const inputs = x.shape[3] as number;
  const bn = (y: SymbolicTensor, layer: string): SymbolicTensor => g.batchNorm(y, layer, BN_MOMENTUM, BN_EPSILON);
  let y = convBnRelu(g, x, `${name}_expand`, inputs * expansion, { kernelSize: 1 });
  y = g.depthwiseConv2d(y, `${name}_dw`, {
    kernelSize: 3,
    strides: stride,
    padding: 'same',
    useBias: false,
    init: 'he',
  });
  y = g.activation(bn(y, `${name}_dw_bn`), `${name}_dw_relu`, 'relu');
  y = g.conv2d(y, `${name}_project`, { filters, kernelSize: 1, useBias: false, init: 'he' });
  const residual = stride === 1 && inputs === filters;
  y = bn(y, residual ? `${name}_project_bn` : (out ?? `${name}_project_bn`));
  return residual ? g.add([x, y], out ?? `${name}_add`) : y;
}

/**
 * `stem` (+ `_bn`, `_relu`), blocks `stage{s}_block{b}_{expand,dw,project}*` (+ `_add`) whose
 * last output per stage is `stage{s}` (s = 1…7), `head` (+ `_bn`, `_relu`), `pool`, `logits`.
 */
export function buildMobileNetV2(spec: MobileNetV2Preset, ctx: BuildContext): BuiltModel {
  imageShape(ctx.inputShape, 'mobilenetV2');
  const width = spec.width ?? 1;
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) {
    throw new Error(`mobilenetV2: width must be a positive number, got ${String(spec.width)}`);
  }
  const expansion = positive(spec.expansion ?? 6, 'mobilenetV2 expansion');
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  let x = convBnRelu(g, g.input, 'stem', mobileChannels(32, width), { strides: 2 });
  mobileNetV2Plan(expansion).forEach(([t, channels, blocks, stride], s) => {
    for (let b = 0; b < blocks; b += 1) {
      const name = `stage${s + 1}_block${b + 1}`;
      const out = b === blocks - 1 ? `stage${s + 1}` : undefined;
      x = invertedResidual(g, x, name, mobileChannels(channels, width), b === 0 ? stride : 1, t, out);
    }
  });
  x = convBnRelu(g, x, 'head', width > 1 ? mobileChannels(1280, width) : 1280, { kernelSize: 1 });
  const model = g.model(poolAndLogits(g, x, ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}
