import * as tf from '@tensorflow/tfjs';
import type { Split } from '../data/types';

export interface Evaluation {
  accuracy: number;
  /** Mean cross-entropy on the labels. */
  loss: number;
  /** count × classes logits, row-major; kept only when asked for. */
  logits?: Float32Array;
}

const EVAL_BATCH = 512;

/** Accuracy and loss of a logits model on a split, in batches so memory stays bounded. */
export function evaluate(model: tf.LayersModel, split: Split, inputShape: number[], keepLogits = false): Evaluation {
  if (split.count === 0)
    return { accuracy: Number.NaN, loss: Number.NaN, logits: keepLogits ? new Float32Array(0) : undefined };
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const classes = (model.outputs[model.outputs.length - 1].shape[1] ?? 0) as number;
  const logits = keepLogits ? new Float32Array(split.count * classes) : undefined;
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < split.count; start += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, split.count - start);
    const labels = split.y.subarray(start, start + size);
    const [batchLogits, hits, losses] = tf.tidy(() => {
      const xs = tf.tensor(split.x.subarray(start * inputSize, (start + size) * inputSize), [size, ...inputShape]);
      const out = model.predict(xs, { batchSize: size }) as tf.Tensor2D;
      const y = tf.tensor1d(labels, 'int32');
      const hit = tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), y), 'float32'));
      const ce = tf.sum(tf.neg(tf.sum(tf.mul(tf.oneHot(y, out.shape[1]), tf.logSoftmax(out)), 1)));
      return [out.dataSync(), hit.dataSync()[0], ce.dataSync()[0]] as const;
    });
    if (logits) logits.set(batchLogits, start * classes);
    correct += hits;
    lossSum += losses;
  }
  return { accuracy: correct / split.count, loss: lossSum / split.count, logits };
}

/** Softmax of one row at temperature 1, in float64. */
function softmaxRow(row: ArrayLike<number>, offset: number, classes: number): number[] {
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, row[offset + k]);
  const exps: number[] = [];
  let sum = 0;
  for (let k = 0; k < classes; k++) {
    const e = Math.exp(row[offset + k] - max);
    exps.push(e);
    sum += e;
  }
  return exps.map((e) => e / sum);
}

function argmaxRow(row: ArrayLike<number>, offset: number, classes: number): number {
  let best = 0;
  for (let k = 1; k < classes; k++) if (row[offset + k] > row[offset + best]) best = k;
  return best;
}

/** Top-1 agreement and mean KL(teacher ‖ student) at temperature 1 between two logit tables. */
export function compareLogits(
  teacher: Float32Array,
  student: Float32Array,
  classes: number,
): { agreement: number; kl: number } {
  const count = teacher.length / classes;
  if (count === 0) return { agreement: Number.NaN, kl: Number.NaN };
  let agree = 0;
  let kl = 0;
  for (let i = 0; i < count; i++) {
    const offset = i * classes;
    if (argmaxRow(teacher, offset, classes) === argmaxRow(student, offset, classes)) agree++;
    const p = softmaxRow(teacher, offset, classes);
    const q = softmaxRow(student, offset, classes);
    for (let k = 0; k < classes; k++) if (p[k] > 0) kl += p[k] * (Math.log(p[k]) - Math.log(Math.max(q[k], 1e-300)));
  }
  return { agreement: agree / count, kl: kl / count };
}
