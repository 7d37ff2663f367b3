// The momentum memory bank of CRD (Tian et al. 2020): one l2-normalised embedding per training
// example, updated after each step as v ← normalize(m·v + (1 − m)·embedding). Scoring a batch
// against its positives and K sampled negatives reads B·(K+1) rows of the bank; the rows are
// gathered a slice of the batch at a time inside a custom gradient, so memory stays bounded
// (the reference keeps all B·(K+1)·feat values of both sides alive through the backward pass).
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, mix32 } from '../random';

/** Values gathered per slice while scoring (4 M floats, 16 MB). */
const SLICE_BUDGET = 4 * 1024 * 1024;

export class MemoryBank {
  /** [size, feat]; not trainable: changed only by `update`. */
  readonly rows: tf.Variable;
  /** The rows the last scoring read, held for its backward pass. */
  private snapshot: tf.Tensor | undefined;

  constructor(
    readonly size: number,
    readonly feat: number,
    seed: number,
  ) {
    // Uniform in ±1/√(feat/3), as the reference initialises its memory (unit variance per row).
    const bound = 1 / Math.sqrt(feat / 3);
    this.rows = tf.tidy(() => tf.variable(tf.randomUniform([size, feat], -bound, bound, 'float32', seed), false));
  }

  /**
   * scores[b, j] = rows[index[b, j]] · v[b] for v [B, feat] and index [B, K+1]; differentiable
   * with respect to v (the bank is a constant of the step).
   */
  score(v: tf.Tensor2D, index: Int32Array, columns: number): tf.Tensor2D {
    const [batch, feat] = v.shape;
    const per = Math.max(1, Math.floor(SLICE_BUDGET / (columns * feat)));
    const slices: [number, number][] = [];
    for (let start = 0; start < batch; start += per) slices.push([start, Math.min(batch, start + per)]);
    // The rows as they are now: `update` replaces the variable's data after this step's forward
    // pass, and the backward pass must read the same rows. A second handle on the same data (no copy;
    // what the cpu backend's Identity kernel does) keeps them past the forward pass's scope; it is
    // released at the next step's scoring, or with the bank.
    this.releaseSnapshot();
    tf.engine().backend.incRef(this.rows.dataId);
    const rows = tf.keep(tf.engine().makeTensorFromDataId(this.rows.dataId, this.rows.shape, 'float32'));
    this.snapshot = rows;
    const gathered = (start: number, end: number): tf.Tensor3D =>
      tf.reshape(tf.gather(rows, tf.tensor1d(index.subarray(start * columns, end * columns), 'int32')), [
        end - start,
        columns,
        feat,
      ]);
    const forward = (x: tf.Tensor) => {
      const value = tf.concat(
        slices.map(([s, e]) =>
          tf.tidy(() =>
            tf.reshape(tf.matMul(gathered(s, e), tf.reshape(tf.slice(x, [s, 0], [e - s, feat]), [e - s, feat, 1])), [
              e - s,
              columns,
            ]),
          ),
        ),
      );
      const gradFunc = (dy: tf.Tensor) =>
        tf.concat(
          slices.map(([s, e]) =>
            tf.tidy(() =>
              tf.reshape(
                tf.matMul(tf.reshape(tf.slice(dy, [s, 0], [e - s, columns]), [e - s, 1, columns]), gathered(s, e)),
                [e - s, feat],
              ),
            ),
          ),
        );
      return { value, gradFunc };
    };
    const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(v) as tf.Tensor2D;
  }

  /**
   * rows[i] ← normalize(m·rows[i] + (1 − m)·v) for the batch's examples (v is read, not
   * differentiated). An example twice in a batch takes its last embedding. Written as the bank plus
   * a scattered difference: TF.js's cpu TensorScatterUpdate writes into its input's buffer, which
   * would change the rows this step's backward pass still reads.
   */
  update(indices: Int32Array, v: tf.Tensor2D, momentum: number): void {
    const values = v.dataSync();
    const feat = this.feat;
    const last = new Map<number, number>();
    indices.forEach((example, b) => last.set(example, b));
    const examples = Int32Array.from(last.keys());
    const embeddings = new Float32Array(examples.length * feat);
    examples.forEach((example, u) => {
      const b = last.get(example) as number;
      embeddings.set(values.subarray(b * feat, (b + 1) * feat), u * feat);
    });
    const next = tf.tidy(() => {
      const old = tf.gather(this.rows, tf.tensor1d(examples, 'int32'));
      const mixed = tf.add(
        tf.mul(old, momentum),
        tf.mul(tf.tensor2d(embeddings, [examples.length, feat]), 1 - momentum),
      );
      const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(mixed), 1, true), 1e-24));
      const delta = tf.sub(tf.div(mixed, norm), old);
      return tf.add(
        this.rows,
        tf.scatterND(tf.tensor2d(examples, [examples.length, 1], 'int32'), delta, this.rows.shape),
      );
    });
    this.rows.assign(next);
    next.dispose();
  }

  private releaseSnapshot(): void {
    if (this.snapshot && !this.snapshot.isDisposed) this.snapshot.dispose();
    this.snapshot = undefined;
  }

  dispose(): void {
    this.releaseSnapshot();
    this.rows.dispose();
  }
}

/**
 * The contrast indices of one step: row b holds the example's own index, then K negatives drawn
 * uniformly from the whole training set (with replacement, as the reference's uniform sampler
 * does). The draw depends only on the seed and the step count, so a resumed run draws the same.
 */
export function contrastIndices(seed: number, step: number, examples: Int32Array, size: number, k: number): Int32Array {
  const rng = createRng(mix32(deriveSeed(seed, 'crd') ^ step));
  const out = new Int32Array(examples.length * (k + 1));
  for (let b = 0; b < examples.length; b++) {
    out[b * (k + 1)] = examples[b];
    for (let j = 1; j <= k; j++) out[b * (k + 1) + j] = Math.floor(rng() * size);
  }
  return out;
}
