// A frozen teacher's outputs for the training loop: run live on every batch, or computed once over the
// training split (here, or read from a sweep's disk cache) and served by example index.
import * as tf from '@tensorflow/tfjs';
import type { Batch, Split } from '../data/types';
import { denseTopK, emptyTopK, keepTopK, tailMass, topKBytes, type TopKLogits } from './topKLogits';

/** What a frozen teacher says about one batch: its logits and the feature maps the losses tap. */
export interface TeacherBatch {
  logits: tf.Tensor2D;
  features: Record<string, tf.Tensor>;
}

export interface TeacherSource {
  /** Tensors owned by the caller (dispose after the step). */
  forBatch(batch: Batch, xs: tf.Tensor): TeacherBatch;
  readonly cached: boolean;
  /** With a top-k cache: its size against the full cache's, and the teacher's mass outside the top k (T = 1). */
  readonly topK?: { k: number; bytes: number; fullBytes: number; meanTailMass: number; maxTailMass: number };
  dispose(): void;
}

/** Splits a tapped model's outputs [...features, logits] into named parts. */
export function splitOutputs(outputs: tf.Tensor | tf.Tensor[], tapped: string[]): TeacherBatch {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const features: Record<string, tf.Tensor> = {};
  tapped.forEach((name, i) => (features[name] = list[i]));
  return { logits: list[list.length - 1] as tf.Tensor2D, features };
}

/** Runs the teacher on every batch: needed when inputs change between epochs or the cache would not fit. */
export function liveTeacher(model: tf.LayersModel, tapped: string[]): TeacherSource {
  return {
    cached: false,
    forBatch: (_batch, xs) =>
      tf.tidy(
        () =>
          splitOutputs(
            model.predict(xs, { batchSize: xs.shape[0] }) as tf.Tensor | tf.Tensor[],
            tapped,
          ) as unknown as tf.TensorContainer,
      ) as unknown as TeacherBatch,
    dispose: () => undefined,
  };
}

/** One output of a model on every example of a split: `count` rows of `rowSize` values. */
export interface OutputTable {
  /** The tapped layer, or null for the logits. */
  name: string | null;
  /** Shape of one row (without the batch dimension). */
  shape: number[];
  rowSize: number;
  data: Float32Array;
}
type CachedOutput = OutputTable;

const CACHE_BATCH = 256;

/** Bytes the cache of a teacher with these output shapes would take for `count` examples. */
export function cacheBytes(outputShapes: number[][], count: number): number {
  return outputShapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0) * count * 4;
}

/**
 * Runs a frozen teacher once over the training split and serves its outputs by example index.
 * Valid because the teacher does not change and inputs are not augmented: each step then costs
 * only the student's forward and backward pass.
 */
export function cachedTeacher(
  model: tf.LayersModel,
  tapped: string[],
  split: Split,
  inputShape: number[],
  topK?: number,
): TeacherSource {
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const shapes = model.outputs.map((o) => o.shape.slice(1) as number[]);
  const names: (string | null)[] = [...tapped, null];
  // The logits (the last output) are kept as their top k only when asked: never held in full.
  const last = shapes.length - 1;
  const sparse =
    topK === undefined
      ? undefined
      : emptyTopK(
          split.count,
          shapes[last].reduce((a, b) => a * b, 1),
          topK,
        );
  const outputs: CachedOutput[] = shapes.map((shape, i) => {
    const rowSize = shape.reduce((a, b) => a * b, 1);
    const rows = sparse && i === last ? 0 : split.count;
    return { name: names[i], shape, rowSize, data: new Float32Array(rowSize * rows) };
  });
  for (let start = 0; start < split.count; start += CACHE_BATCH) {
    const size = Math.min(CACHE_BATCH, split.count - start);
    const values = tf.tidy(() => {
      const xs = tf.tensor(split.x.subarray(start * inputSize, (start + size) * inputSize), [size, ...inputShape]);
      const out = model.predict(xs, { batchSize: size });
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    });
    values.forEach((v, i) => {
      if (sparse && i === last) keepTopK(sparse, v, start);
      else outputs[i].data.set(v, start * outputs[i].rowSize);
    });
  }
  const logits = outputs[last];
  const summary = sparse && topKSummary(sparse);
  return {
    cached: true,
    topK: summary,
    forBatch(batch) {
      const tensors = outputs.map((o) => {
        if (sparse && o === logits) return denseTopK(sparse, batch.indices.subarray(0, batch.size));
        return gatherRows(o, batch.indices, batch.size);
      });
      return splitOutputs(tensors, tapped);
    },
    dispose() {
      outputs.length = 0;
    },
  };
}

function topKSummary(cache: TopKLogits): NonNullable<TeacherSource['topK']> {
  const { topK, full } = topKBytes(cache);
  const tail = tailMass(cache);
  let sum = 0;
  let max = 0;
  for (const m of tail) {
    sum += m;
    max = Math.max(max, m);
  }
  return { k: cache.k, bytes: topK, fullBytes: full, meanTailMass: sum / Math.max(1, tail.length), maxTailMass: max };
}

/** Runs a frozen (tapped) teacher once over a split, in full: its outputs [...tapped features, logits] by example. */
export function computeOutputs(
  model: tf.LayersModel,
  tapped: string[],
  split: Split,
  inputShape: number[],
): OutputTable[] {
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const shapes = model.outputs.map((o) => o.shape.slice(1) as number[]);
  const names: (string | null)[] = [...tapped, null];
  const outputs: OutputTable[] = shapes.map((shape, i) => {
    const rowSize = shape.reduce((a, b) => a * b, 1);
    return { name: names[i], shape, rowSize, data: new Float32Array(rowSize * split.count) };
  });
  for (let start = 0; start < split.count; start += CACHE_BATCH) {
    const size = Math.min(CACHE_BATCH, split.count - start);
    const values = tf.tidy(() => {
      const xs = tf.tensor(split.x.subarray(start * inputSize, (start + size) * inputSize), [size, ...inputShape]);
      const out = model.predict(xs, { batchSize: size });
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
    });
    values.forEach((v, i) => outputs[i].data.set(v, start * outputs[i].rowSize));
  }
  return outputs;
}

/** The rows of a cached output for a batch's example indices, as one tensor. */
function gatherRows(o: OutputTable, indices: ArrayLike<number>, size: number): tf.Tensor {
  const rows = new Float32Array(size * o.rowSize);
  for (let i = 0; i < size; i++) {
    const from = indices[i] * o.rowSize;
    rows.set(o.data.subarray(from, from + o.rowSize), i * o.rowSize);
  }
  return tf.tensor(rows, [size, ...o.shape]);
}

/** Serves precomputed full outputs (read from a sweep's disk cache, or computeOutputs) by example index. */
export function servedTeacher(outputs: OutputTable[], tapped: string[]): TeacherSource {
  return {
    cached: true,
    forBatch(batch) {
      const tensors = outputs.map((o) => gatherRows(o, batch.indices, batch.size));
      return splitOutputs(tensors, tapped);
    },
    dispose() {
      outputs.length = 0;
    },
  };
}
