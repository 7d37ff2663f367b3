// ResNets by depth, as the distillation benchmarks build them for 32×32 images: the CIFAR stem
// (one 3×3 convolution, no max-pool) and basic blocks. 18/34 are He et al.'s ImageNet stage plans
// (64–512 channels, [2,2,2,2] / [3,4,6,3]); 6n+2 depths are the CIFAR family (16/32/64 channels,
// n blocks per stage); 8x4 / 32x4 are RepDistiller's wide variants (stem 32, stages 64/128/256).
import type { ResNetDepth, ResNetDepthPreset } from '../config/types';
import { GraphBuilder, tappableLayers } from './graph';
import { basicBlock, channelScale, convBnRelu, imageShape, poolAndLogits } from './presetParts';
import type { BuildContext, BuiltModel } from './types';

export interface ResNetPlan {
  stem: number;
  channels: number[];
  blocks: number[];
}

/** Channels and blocks per stage of each supported depth (before the width multiplier). */
export function resnetPlan(depth: ResNetDepth): ResNetPlan {
  switch (depth) {
    case 18:
      return { stem: 64, channels: [64, 128, 256, 512], blocks: [2, 2, 2, 2] };
    case 34:
      return { stem: 64, channels: [64, 128, 256, 512], blocks: [3, 4, 6, 3] };
    case '8x4':
    case '32x4': {
      const n = ((depth === '8x4' ? 8 : 32) - 2) / 6;
      return { stem: 32, channels: [64, 128, 256], blocks: [n, n, n] };
    }
    default: {
      const n = (depth - 2) / 6;
      if (!Number.isInteger(n) || n < 1) throw new Error(`resnet: no plan for depth ${String(depth)}`);
      return { stem: 16, channels: [16, 32, 64], blocks: [n, n, n] };
    }
  }
}

/**
 * stem (`stem`, `stem_bn`, `stem_relu`); per stage s and block b the layers `stage{s}_block{b}_*`,
 * the last block's output named `stage{s}`; every stage after the first starts with stride 2;
 * then `pool` (global average) and `logits`.
 */
export function buildResNetDepth(spec: ResNetDepthPreset, ctx: BuildContext): BuiltModel {
  imageShape(ctx.inputShape, 'resnet');
  const plan = resnetPlan(spec.depth);
  const ch = channelScale(spec.width, 'resnet');
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  let x = convBnRelu(g, g.input, 'stem', ch(plan.stem));
  plan.channels.forEach((channels, s) => {
    for (let b = 0; b < plan.blocks[s]; b += 1) {
      const last = b === plan.blocks[s] - 1;
      x = basicBlock(g, x, `stage${s + 1}_block${b + 1}`, ch(channels), s > 0 && b === 0 ? 2 : 1, {
        out: last ? `stage${s + 1}` : undefined,
      });
    }
  });
  const model = g.model(poolAndLogits(g, x, ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}
