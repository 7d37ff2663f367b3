// Noisy Student's pseudo-labels (Xie et al. 2020): the teacher's logits on unlabeled examples become
// training targets, either its whole distribution (soft) or its top class (hard). Examples whose top
// probability is below a threshold are dropped; with class balancing, each class keeps its most
// confident examples up to `perClass`, and a class with fewer has them repeated up to `perClass`.
// Pure arithmetic on a logit table, so it is checked against hand computations.

export interface PseudoLabelOptions {
  mode: 'soft' | 'hard';
  /** Examples whose top probability (softmax at temperature 1) is below this are dropped. */
  threshold: number;
  /** Temperature of soft targets: softmax(z / T). */
  temperature: number;
  /** Class balancing: exactly this many examples per class that has any (most confident first, repeated when short). */
  perClass?: number;
}

export interface PseudoLabels {
  /** The unlabeled example behind each pseudo-labelled row (a repeated example appears more than once). */
  rows: Int32Array;
  /** The top class of each row. */
  y: Int32Array;
  /** rows × classes training targets: the softened distribution, or one-hot for hard labels. */
  targets: Float32Array;
  /** Examples above the threshold, per class (before balancing). */
  confident: number[];
  /** Rows per class after balancing. */
  perClass: number[];
}

/** softmax(z / T) of one row, in float64. */
function softmaxRow(logits: Float32Array, offset: number, classes: number, temperature: number): Float64Array {
  const out = new Float64Array(classes);
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, logits[offset + k] / temperature);
  let sum = 0;
  for (let k = 0; k < classes; k++) {
    out[k] = Math.exp(logits[offset + k] / temperature - max);
    sum += out[k];
  }
  for (let k = 0; k < classes; k++) out[k] /= sum;
  return out;
}

/** Pseudo-labels of `count` examples from their logits (count × classes, row-major). */
export function pseudoLabel(logits: Float32Array, classes: number, options: PseudoLabelOptions): PseudoLabels {
  const count = logits.length / classes;
  const top = new Int32Array(count);
  const confidence = new Float64Array(count);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < count; i++) {
    const p = softmaxRow(logits, i * classes, classes, 1);
    let best = 0;
    for (let k = 1; k < classes; k++) if (p[k] > p[best]) best = k;
    top[i] = best;
    confidence[i] = p[best];
    if (p[best] >= options.threshold) byClass[best].push(i);
  }
  const confident = byClass.map((list) => list.length);

  let chosen: number[];
  if (options.perClass === undefined) {
    chosen = byClass.flat().sort((a, b) => a - b);
  } else {
    const cap = options.perClass;
    chosen = byClass.flatMap((list) => {
      if (list.length === 0) return [];
      // Most confident first; ties keep the earlier example first.
      const ranked = [...list].sort((a, b) => confidence[b] - confidence[a] || a - b);
      return Array.from({ length: cap }, (_, r) => ranked[r % ranked.length]);
    });
  }

  const rows = Int32Array.from(chosen);
  const y = Int32Array.from(chosen, (i) => top[i]);
  const targets = new Float32Array(rows.length * classes);
  rows.forEach((i, r) => {
    if (options.mode === 'hard') targets[r * classes + top[i]] = 1;
    else targets.set(softmaxRow(logits, i * classes, classes, options.temperature), r * classes);
  });
  const perClass = new Array<number>(classes).fill(0);
  for (const label of y) perClass[label]++;
  return { rows, y, targets, confident, perClass };
}
