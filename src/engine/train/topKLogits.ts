// A frozen teacher's logits cached as only their k largest values per example (with the class
// indices and the log-sum-exp of all C logits): memory about k/C of the full cache, as LLM
// distillation caches vocabulary-sized outputs. Served back as dense logits whose other classes lie
// far below, so a softmax over them is the teacher's distribution renormalised over its top k.
import * as tf from '@tensorflow/tfjs';
import type { LossTerm } from '../losses/types';

/** Stands for "not in the top k": exp((FILL − max)/T) underflows to exactly 0 for any usable T, yet stays finite (0·log terms vanish). */
export const TOP_K_FILL = -1e9;

export interface TopKLogits {
  k: number;
  classes: number;
  count: number;
  values: Float32Array;
  indices: Uint16Array | Int32Array;
  /** log Σ_c exp(t_c) over all C classes, per example: the mass the top k keep is Σ exp(t_k − lse). */
  logSumExp: Float32Array;
}

/** An empty cache for `count` examples of `classes` logits. */
export function emptyTopK(count: number, classes: number, k: number): TopKLogits {
  const kept = Math.min(k, classes);
  return {
    k: kept,
    classes,
    count,
    values: new Float32Array(count * kept),
    indices: classes <= 0xffff ? new Uint16Array(count * kept) : new Int32Array(count * kept),
    logSumExp: new Float32Array(count),
  };
}

/** Keeps the top k of each row of a [rows, C] logits chunk as examples `start` … `start + rows − 1`. */
export function keepTopK(cache: TopKLogits, logits: Float32Array, start: number): void {
  const { k, classes } = cache;
  const order = Array.from({ length: classes }, (_, c) => c);
  for (let r = 0; r < logits.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    order.sort((a, b) => row[b] - row[a] || a - b);
    const max = row[order[0]];
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(row[c] - max);
    const i = start + r;
    cache.logSumExp[i] = max + Math.log(sum);
    for (let j = 0; j < k; j++) {
      cache.values[i * k + j] = row[order[j]];
      cache.indices[i * k + j] = order[j];
    }
  }
}

/** Keeps the top k of each row of a [count, C] logits array. */
export function topKOf(logits: Float32Array, count: number, classes: number, k: number): TopKLogits {
  const cache = emptyTopK(count, classes, k);
  keepTopK(cache, logits, 0);
  return cache;
}

/** The dense [rows, C] logits of some examples: their top k in place, every other class at TOP_K_FILL. */
export function denseTopK(cache: TopKLogits, examples: ArrayLike<number>): tf.Tensor2D {
  const { k, classes } = cache;
  const rows = new Float32Array(examples.length * classes).fill(TOP_K_FILL);
  for (let r = 0; r < examples.length; r++) {
    const from = examples[r] * k;
    for (let j = 0; j < k; j++) rows[r * classes + cache.indices[from + j]] = cache.values[from + j];
  }
  return tf.tensor2d(rows, [examples.length, classes]);
}

/** Per example, the teacher's probability mass (at T = 1) outside its top k: 1 − Σ_top exp(t_k − lse). */
export function tailMass(cache: TopKLogits): Float32Array {
  const out = new Float32Array(cache.count);
  for (let i = 0; i < cache.count; i++) {
    let kept = 0;
    for (let j = 0; j < cache.k; j++) kept += Math.exp(cache.values[i * cache.k + j] - cache.logSumExp[i]);
    out[i] = Math.max(0, 1 - kept);
  }
  return out;
}

/** Bytes the top-k cache holds, and the bytes a full cache of the same logits would. */
export function topKBytes(cache: TopKLogits): { topK: number; full: number } {
  return {
    topK: cache.values.byteLength + cache.indices.byteLength + cache.logSumExp.byteLength,
    full: cache.count * cache.classes * 4,
  };
}

/** Losses that read the teacher's logits and stay finite on a renormalised top k (its other classes have probability 0). */
export function requireTopKTerms(terms: LossTerm[]): void {
  for (const term of terms) {
    const readsLogits = term.needsTeacher && term.teacherLayers.length === 0;
    const spec = term.spec;
    const fits = spec.type === 'kd' || spec.type === 'tvd' || (spec.type === 'jsd' && spec.beta < 1);
    if (readsLogits && !fits)
      throw new Error(
        `distill.cacheTopK: the term "${term.name}" reads the teacher's logits but is not kd, tvd or jsd with beta < 1; on a top-k teacher (probability 0 outside the top k) it would be unbounded or undefined. Remove cacheTopK or that term.`,
      );
  }
}
