// VGG for 32×32 images as the distillation benchmarks use it (RepDistiller, and the CIFAR VGGs it
// derives from): five stages of 3×3 conv–BN–ReLU, max-pooling between stages, global average
// pooling and a single classifier layer instead of VGG's three fully connected ones.
import type { VggPreset } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import { BN_EPSILON, BN_MOMENTUM, channelScale, imageShape, poolAndLogits } from './presetParts';
import type { BuildContext, BuiltModel } from './types';

/** Convolutions per stage (Simonyan & Zisserman's configurations A, B, D, E). */
export const VGG_PLANS: Record<VggPreset['depth'], number[][]> = {
  11: [[64], [128], [256, 256], [512, 512], [512, 512]],
  13: [
    [64, 64],
    [128, 128],
    [256, 256],
    [512, 512],
    [512, 512],
  ],
  16: [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ],
  19: [
    [64, 64],
    [128, 128],
    [256, 256, 256, 256],
    [512, 512, 512, 512],
    [512, 512, 512, 512],
  ],
};

/**
 * Per stage s and convolution i: `stage{s}_conv{i}` (with bias, as the reference nets have),
 * `stage{s}_bn{i}`, `stage{s}_relu{i}`, the stage's last ReLU named `stage{s}`; `stage{s}_pool`
 * (2×2 max) after stages 1–3, and after stage 4 where its map is still larger than 4×4 (so a
 * 32×32 input reaches stage 5 at 4×4, as in RepDistiller); then `pool` and `logits`.
 */
export function buildVgg(spec: VggPreset, ctx: BuildContext): BuiltModel {
  imageShape(ctx.inputShape, 'vgg');
  const plan = VGG_PLANS[spec.depth];
  if (!plan) throw new Error(`vgg: depth must be one of 11, 13, 16, 19 (got ${String(spec.depth)})`);
  const ch = channelScale(spec.width, 'vgg');
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  let x: SymbolicTensor = g.input;
  plan.forEach((convs, s) => {
    const stage = `stage${s + 1}`;
    convs.forEach((filters, i) => {
      const k = i + 1;
      x = g.conv2d(x, `${stage}_conv${k}`, { filters: ch(filters), kernelSize: 3, padding: 'same', init: 'he' });
      x = g.batchNorm(x, `${stage}_bn${k}`, BN_MOMENTUM, BN_EPSILON);
      x = g.activation(x, k === convs.length ? stage : `${stage}_relu${k}`, 'relu');
    });
    const side = Math.min(x.shape[1] ?? 0, x.shape[2] ?? 0);
    const pools = s < 3 || (s === 3 && side > 4);
    if (pools && side >= 2) x = g.pool(x, `${stage}_pool`, 'max', 2, 2);
  });
  const model = g.model(poolAndLogits(g, x, ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}
