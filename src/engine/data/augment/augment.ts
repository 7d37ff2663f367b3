// Augmentation of training batches: the ordered `data.augment` list applied to one batch.
// Every random choice is drawn from a generator keyed by (run seed, epoch, example index, op
// position), so an augmented batch is a pure function of those and a resumed run continues the
// same stream with no generator state to checkpoint. Mixup and cutmix pair example i with
// example n−1−i of the (already shuffled) batch, as timm does, and mix the labels with the images.
import type { AugmentSpec } from '../../config/types';
import { createRng, deriveSeed, mix32, randomInt, type Rng } from '../../random';
import type { Batch } from '../types';
import { betaSample } from './beta';
import { boxArea, centredBox, eraseBox, flipImage, pasteBox, shiftImage, type ImageShape } from './imageOps';

export interface AugmentContext {
  /** The run's seed. */
  seed: number;
  epoch: number;
  /** Shape of one example: [height, width, channels]. */
  inputShape: number[];
  classes: number;
}

/** True for the ops that change from one epoch to the next (all but `normalize`). */
export function isRandomAugment(spec: AugmentSpec): boolean {
  return spec.type !== 'normalize';
}

export function hasRandomAugment(specs: readonly AugmentSpec[] | undefined): boolean {
  return (specs ?? []).some(isRandomAugment);
}

function exampleRng(base: number, epoch: number, index: number, op: number): Rng {
  return createRng(mix32(mix32(mix32(base ^ epoch) ^ index) ^ op));
}

/** The image shape of an example, or a clear error for data that is not images. */
export function imageShapeOf(inputShape: number[], where = 'data.augment'): ImageShape {
  if (inputShape.length !== 3)
    throw new Error(
      `${where}: augmentation needs images of shape [height, width, channels]; this dataset's examples have shape [${inputShape.join(', ')}]`,
    );
  const [height, width, channels] = inputShape;
  return { height, width, channels };
}

function fail(index: number, spec: AugmentSpec, message: string): never {
  throw new Error(`data.augment[${index}] (${spec.type}): ${message}`);
}

/** Checks each op's parameters against the data's image shape. */
export function checkAugment(specs: readonly AugmentSpec[], inputShape: number[]): void {
  if (specs.length === 0) return;
  const shape = imageShapeOf(inputShape);
  const side = Math.min(shape.height, shape.width);
  specs.forEach((spec, i) => {
    const int = (name: string, value: unknown, max: number) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
        fail(
          i,
          spec,
          `${name} must be an integer from 1 to ${max} for ${shape.height}×${shape.width} images, got ${String(value)}`,
        );
    };
    switch (spec.type) {
      case 'randomCrop':
        int('padding', spec.padding, side - 1);
        if (spec.fill !== undefined && spec.fill !== 'zero' && spec.fill !== 'reflect')
          fail(i, spec, `fill must be "zero" or "reflect", got ${JSON.stringify(spec.fill)}`);
        break;
      case 'translate':
        int('pixels', spec.pixels, side - 1);
        break;
      case 'cutout':
        int('size', spec.size, side);
        break;
      case 'mixup':
      case 'cutmix':
        if (typeof spec.alpha !== 'number' || !(spec.alpha > 0))
          fail(i, spec, `alpha must be a positive number, got ${String(spec.alpha)}`);
        break;
      case 'normalize':
        for (const key of ['mean', 'std'] as const) {
          const values = spec[key];
          if (!Array.isArray(values) || values.length !== shape.channels || values.some((v) => typeof v !== 'number'))
            fail(i, spec, `${key} must list one number per channel (${shape.channels}), got ${JSON.stringify(values)}`);
        }
        if (spec.std.some((s) => !(s > 0)))
          fail(i, spec, `std values must be positive, got ${JSON.stringify(spec.std)}`);
        break;
      case 'horizontalFlip':
        break;
      default:
        fail(
          i,
          spec,
          'unknown augmentation (known: randomCrop, horizontalFlip, translate, cutout, mixup, cutmix, normalize)',
        );
    }
  });
}

/** (x − mean[c]) / std[c] over every pixel of `x` (any number of images). */
export function normalizeChannels(x: Float32Array, channels: number, mean: number[], std: number[]): void {
  const inverse = std.map((s) => 1 / s);
  for (let p = 0; p < x.length; p += channels)
    for (let c = 0; c < channels; c++) x[p + c] = (x[p + c] - mean[c]) * inverse[c];
}

function oneHot(y: Int32Array, classes: number): Float32Array {
  const targets = new Float32Array(y.length * classes);
  for (let i = 0; i < y.length; i++) targets[i * classes + y[i]] = 1;
  return targets;
}

/** Mixes example i's soft label with its partner's: t_i ← λ·t_i + (1 − λ)·t_j (from the snapshot). */
function mixTargets(targets: Float32Array, before: Float32Array, classes: number, i: number, j: number, lam: number) {
  for (let k = 0; k < classes; k++)
    targets[i * classes + k] = lam * before[i * classes + k] + (1 - lam) * before[j * classes + k];
}

/**
 * Applies the ops in order to a copy of the batch. The result carries `augmented: true`, and soft
 * label `targets` when a mixing op ran (its `y` is then each example's dominant label).
 */
export function augmentBatch(batch: Batch, specs: readonly AugmentSpec[], context: AugmentContext): Batch {
  if (specs.length === 0) return batch;
  const shape = imageShapeOf(context.inputShape);
  const size = shape.height * shape.width * shape.channels;
  const n = batch.size;
  const x = batch.x.slice();
  const y = batch.y.slice();
  const scratch = new Float32Array(size);
  const base = deriveSeed(context.seed, 'augment');
  let targets = batch.targets?.slice();
  const image = (i: number) => x.subarray(i * size, (i + 1) * size);
  const rngOf = (i: number, op: number) => exampleRng(base, context.epoch, batch.indices[i], op);

  specs.forEach((spec, op) => {
    switch (spec.type) {
      case 'randomCrop':
      case 'translate': {
        const reach = spec.type === 'randomCrop' ? spec.padding : spec.pixels;
        const reflect = spec.type === 'randomCrop' && spec.fill === 'reflect';
        for (let i = 0; i < n; i++) {
          const rng = rngOf(i, op);
          const dy = reach - randomInt(rng, 2 * reach + 1);
          const dx = reach - randomInt(rng, 2 * reach + 1);
          if (dy === 0 && dx === 0) continue;
          shiftImage(image(i), scratch, shape, dy, dx, reflect);
          x.set(scratch, i * size);
        }
        break;
      }
      case 'horizontalFlip':
        for (let i = 0; i < n; i++) {
          if (rngOf(i, op)() >= 0.5) continue;
          flipImage(image(i), scratch, shape);
          x.set(scratch, i * size);
        }
        break;
      case 'cutout':
        for (let i = 0; i < n; i++) {
          const rng = rngOf(i, op);
          const cy = randomInt(rng, shape.height);
          const cx = randomInt(rng, shape.width);
          eraseBox(image(i), shape, centredBox(shape, cy, cx, spec.size, spec.size));
        }
        break;
      case 'mixup':
      case 'cutmix': {
        const before = x.slice();
        const labelsBefore = y.slice();
        const targetsBefore = targets ?? oneHot(y, context.classes);
        targets = targetsBefore.slice();
        for (let i = 0; i < n; i++) {
          const j = n - 1 - i;
          const rng = rngOf(i, op);
          let lam = betaSample(rng, spec.alpha, spec.alpha);
          const own = i * size;
          const other = j * size;
          if (spec.type === 'mixup') {
            for (let k = 0; k < size; k++) x[own + k] = lam * before[own + k] + (1 - lam) * before[other + k];
          } else {
            const ratio = Math.sqrt(1 - lam);
            const box = centredBox(
              shape,
              randomInt(rng, shape.height),
              randomInt(rng, shape.width),
              Math.floor(shape.height * ratio),
              Math.floor(shape.width * ratio),
            );
            pasteBox(before.subarray(other, other + size), image(i), shape, box);
            lam = 1 - boxArea(box) / (shape.height * shape.width);
          }
          mixTargets(targets, targetsBefore, context.classes, i, j, lam);
          y[i] = lam >= 0.5 ? labelsBefore[i] : labelsBefore[j];
        }
        break;
      }
      case 'normalize':
        normalizeChannels(x, shape.channels, spec.mean, spec.std);
        break;
    }
  });
  return { x, y, indices: batch.indices, size: n, targets, augmented: true };
}
