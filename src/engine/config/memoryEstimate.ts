// An estimate of the memory a run needs, from the experiment alone (nothing is built): parameters
// with their gradients and optimizer state, activations at the batch size, cached teacher outputs
// and the data held in memory. It walks the same shapes the model builders produce, so a
// [20000, 20000] layer or a 1e7-class output is refused before TF.js tries to allocate it.
import { isObject, valueAt, type JsonObject, type JsonValue, type Segment } from './json';
import { modelPaths } from './paths';

const FLOAT = 4;
/** Weights, their gradients and Adam's two moments. */
const TRAINED_COPIES = 4;
/** Forward outputs kept for the backward pass, and their gradients. */
const ACTIVATION_COPIES = 2;
/** The wasm backend addresses at most 4 GB; a run estimated above that would fail late or take the machine down. */
export const DEFAULT_MEMORY_LIMIT_GB = 4;
const GIB = 1024 ** 3;

export interface ModelEstimate {
  params: number;
  /** Activation elements per example. */
  activations: number;
}

export interface MemoryPart {
  path: Segment[];
  what: string;
  bytes: number;
}

/** What the data tells without reading it: input shape and classes where the config states them. */
export function dataShape(data: JsonValue | undefined): { input: number[]; classes: number; examples: number } {
  if (!isObject(data)) return { input: [1], classes: 2, examples: 0 };
  const limit = typeof data.trainLimit === 'number' ? data.trainLimit : Infinity;
  switch (data.dataset) {
    case 'mnist':
      return { input: [28, 28, 1], classes: 10, examples: Math.min(60000, limit) };
    case 'synthetic': {
      const shape = Array.isArray(data.shape) ? data.shape.filter((n): n is number => typeof n === 'number') : [1];
      const size = typeof data.trainSize === 'number' ? data.trainSize : 0;
      return {
        input: shape,
        classes: typeof data.classes === 'number' ? data.classes : 2,
        examples: Math.min(size, limit),
      };
    }
    case 'images': {
      const size = Array.isArray(data.imageSize) ? data.imageSize : [32, 32];
      const channels = typeof data.channels === 'number' ? data.channels : 3;
      return { input: [Number(size[0]) || 1, Number(size[1]) || 1, channels], classes: 2, examples: 0 };
    }
    default:
      // idx and csv: the sizes are known only from the files, which are checked when read.
      return { input: [1], classes: 2, examples: 0 };
  }
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function pair(value: JsonValue | undefined, fallback: number): [number, number] {
  if (Array.isArray(value)) return [Number(value[0]) || fallback, Number(value[1] ?? value[0]) || fallback];
  return typeof value === 'number' ? [value, value] : [fallback, fallback];
}

/** Shapes through a list of layers, as the builders make them (dense flattens its input). */
class ShapeWalk {
  params = 0;
  activations = 0;
  constructor(public shape: number[]) {}

  private out(shape: number[]): void {
    this.shape = shape;
    this.activations += product(shape);
  }
  dense(units: number, bias = true): void {
    const inputs = product(this.shape);
    this.params += inputs * units + (bias ? units : 0);
    this.out([units]);
  }
  conv(filters: number, kernel: [number, number], strides: [number, number], padding: string, bias = true): void {
    const [h, w, c] = this.image();
    this.params += kernel[0] * kernel[1] * c * filters + (bias ? filters : 0);
    this.out([...this.spatial([h, w], kernel, strides, padding), filters]);
  }
  pool(size: [number, number], strides: [number, number], padding: string): void {
    const [h, w, c] = this.image();
    this.out([...this.spatial([h, w], size, strides, padding), c]);
  }
  batchNorm(): void {
    this.params += 4 * (this.shape[this.shape.length - 1] ?? 1);
    this.out(this.shape);
  }
  same(): void {
    this.out(this.shape);
  }
  private image(): [number, number, number] {
    const [h, w, c] = this.shape;
    return this.shape.length === 3 && h !== undefined && w !== undefined && c !== undefined
      ? [h, w, c]
      : [1, 1, product(this.shape)];
  }
  private spatial(hw: [number, number], k: [number, number], s: [number, number], padding: string): [number, number] {
    const side = (n: number, kernel: number, stride: number) =>
      Math.max(1, Math.ceil((padding === 'same' ? n : n - kernel + 1) / stride));
    return [side(hw[0], k[0], s[0]), side(hw[1], k[1], s[1])];
  }
}

/** Parameters and activations of one model object (presets and layer lists; loaded models count as unknown). */
export function estimateModel(model: JsonObject, input: number[], classes: number): ModelEstimate | undefined {
  const walk = new ShapeWalk(input);
  if (model.preset === 'mlp') {
    const hidden = Array.isArray(model.hidden) ? model.hidden : [];
    for (const units of hidden) if (typeof units === 'number') walk.dense(units);
    walk.dense(classes);
  } else if (model.preset === 'lenet5') {
    const scale = typeof model.width === 'number' ? model.width : 1;
    const w = (n: number) => Math.max(1, Math.round(n * scale));
    walk.conv(w(6), [5, 5], [1, 1], 'same');
    walk.pool([2, 2], [2, 2], 'same');
    walk.conv(w(16), [5, 5], [1, 1], 'valid');
    walk.pool([2, 2], [2, 2], 'same');
    walk.dense(w(120));
    walk.dense(w(84));
    walk.dense(classes);
  } else if (model.preset === 'resnet') {
    const base = typeof model.width === 'number' ? model.width : 16;
    walk.conv(base, [3, 3], [1, 1], 'same', false);
    walk.batchNorm();
    const blocks = Array.isArray(model.blocks) ? model.blocks : [];
    blocks.forEach((count, s) => {
      const filters = base * 2 ** s;
      for (let b = 0; b < (typeof count === 'number' ? count : 0); b++) {
        const stride: [number, number] = s > 0 && b === 0 ? [2, 2] : [1, 1];
        const channelsIn = walk.shape[walk.shape.length - 1] ?? 1;
        walk.conv(filters, [3, 3], stride, 'same', false);
        walk.batchNorm();
        walk.conv(filters, [3, 3], [1, 1], 'same', false);
        walk.batchNorm();
        if (channelsIn !== filters || s > 0) walk.params += channelsIn * filters + 4 * filters;
        walk.same();
      }
    });
    walk.shape = [walk.shape[walk.shape.length - 1] ?? 1];
    walk.dense(classes);
  } else if (Array.isArray(model.layers)) {
    for (const layer of model.layers) {
      if (!isObject(layer)) continue;
      const bias = layer.useBias !== false;
      switch (layer.type) {
        case 'dense':
          if (typeof layer.units === 'number') walk.dense(layer.units, bias);
          break;
        case 'conv2d':
          if (typeof layer.filters === 'number') {
            const strides = pair(layer.strides, 1);
            walk.conv(layer.filters, pair(layer.kernelSize, 1), strides, String(layer.padding ?? 'valid'), bias);
          }
          break;
        case 'maxPool':
        case 'avgPool': {
          const size = pair(layer.poolSize, 2);
          walk.pool(size, pair(layer.strides, size[0]), String(layer.padding ?? 'valid'));
          break;
        }
        case 'globalAveragePooling':
          walk.shape = [walk.shape[walk.shape.length - 1] ?? 1];
          walk.same();
          break;
        case 'flatten':
          walk.shape = [product(walk.shape)];
          walk.same();
          break;
        case 'batchNormalization':
          walk.batchNorm();
          break;
        default:
          walk.same();
      }
    }
    walk.dense(classes);
  } else {
    return undefined;
  }
  return { params: walk.params, activations: walk.activations };
}

function batchSizeOf(experiment: JsonObject, at: Segment[]): number {
  const own = valueAt(experiment, [...at, 'train', 'batchSize']);
  const shared = valueAt(experiment, ['train', 'batchSize']);
  return typeof own === 'number' ? own : typeof shared === 'number' ? shared : 128;
}

/** The parts of a run's memory, largest first. */
export function estimateMemory(experiment: JsonObject): MemoryPart[] {
  const { input, classes, examples } = dataShape(experiment.data);
  const parts: MemoryPart[] = [];
  for (const at of modelPaths(experiment)) {
    const model = valueAt(experiment, at);
    if (!isObject(model)) continue;
    const estimate = estimateModel(model, input, classes);
    if (!estimate) continue;
    const batch = batchSizeOf(experiment, at);
    const bytes = estimate.params * FLOAT * TRAINED_COPIES + estimate.activations * batch * FLOAT * ACTIVATION_COPIES;
    parts.push({
      path: at,
      what: `${at.join('.')} (${compactCount(estimate.params)} parameters, activations at batch ${batch})`,
      bytes,
    });
  }
  if (examples > 0) {
    parts.push({ path: ['data'], what: 'the training data', bytes: examples * product(input) * FLOAT });
    const hasTeacher = isObject(experiment.teacher) || Array.isArray(valueAt(experiment, ['distill', 'teachers']));
    if (hasTeacher && valueAt(experiment, ['distill', 'cacheTeacher']) !== false)
      parts.push({ path: ['teacher'], what: 'cached teacher outputs', bytes: examples * classes * FLOAT });
  }
  return parts.sort((a, b) => b.bytes - a.bytes);
}

export function memoryLimitOf(experiment: JsonObject, override?: number): number {
  const given = valueAt(experiment, ['limits', 'memoryGB']);
  return override ?? (typeof given === 'number' ? given : DEFAULT_MEMORY_LIMIT_GB);
}

/** An error when the estimate is over the limit: at the largest part's position, with the breakdown. */
export function memoryIssue(
  experiment: JsonObject,
  override?: number,
): { path: Segment[]; message: string } | undefined {
  const parts = estimateMemory(experiment);
  const total = parts.reduce((sum, p) => sum + p.bytes, 0);
  const limitGB = memoryLimitOf(experiment, override);
  const largest = parts[0];
  if (total <= limitGB * GIB || !largest) return undefined;
  const listed = parts
    .slice(0, 3)
    .map((p) => `${p.what}: ${gb(p.bytes)}`)
    .join('; ');
  return {
    path: largest.path,
    message: `this run would need about ${gb(total)} of memory, over the limit of ${limitGB} GB (${listed}); make it smaller or raise "limits": { "memoryGB": … }`,
  };
}

function gb(bytes: number): string {
  return bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1024 ** 2))} MB`;
}

function compactCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
