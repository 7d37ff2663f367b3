// The attention probabilities of multi-head self-attention as a layer of their own, so a loss can
// tap them by name (TinyBERT's attention transfer) and the block that uses them stays a plain
// function of (hidden states, attention). Keys at padding positions get no attention.
import * as tf from '@tensorflow/tfjs';
import { inputList, project, splitHeads, tokenMask } from './common';

export interface AttentionMapsArgs {
  name?: string;
  heads: number;
  seed?: number;
}

/** Padding keys get −10⁹ before the softmax: exp underflows to exactly 0. */
const MASKED = -1e9;

export class AttentionMaps extends tf.layers.Layer {
  static className = 'KdAttentionMaps';
  readonly heads: number;
  private readonly seed?: number;
  private weights4?: {
    query: tf.LayerVariable;
    queryBias: tf.LayerVariable;
    key: tf.LayerVariable;
    keyBias: tf.LayerVariable;
  };

  constructor(args: AttentionMapsArgs) {
    super({ name: args.name });
    this.heads = args.heads;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const width = (inputShape as tf.Shape[])[0][2] as number;
    if (width % this.heads !== 0)
      throw new Error(`${this.name}: the model width ${width} is not a multiple of heads (${this.heads})`);
    const init = (offset: number) =>
      tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed === undefined ? undefined : this.seed + offset });
    this.weights4 = {
      query: this.addWeight('query', [width, width], 'float32', init(0)),
      queryBias: this.addWeight('query_bias', [width], 'float32', tf.initializers.zeros()),
      key: this.addWeight('key', [width, width], 'float32', init(1)),
      keyBias: this.addWeight('key_bias', [width], 'float32', tf.initializers.zeros()),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, length] = (inputShape as tf.Shape[])[0];
    return [batch, this.heads, length, length];
  }

  /** inputs: [hidden states [b, L, d], token ids [b, L]] → softmax(Q·Kᵀ/√dₕ + mask) [b, heads, L, L]. */
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, ids] = inputList(inputs);
      const w = this.weights4 as NonNullable<typeof this.weights4>;
      const q = splitHeads(project(x, w.query.read(), w.queryBias.read()), this.heads);
      const k = splitHeads(project(x, w.key.read(), w.keyBias.read()), this.heads);
      const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[3]));
      const [batch, length] = ids.shape;
      const keyMask = tf.reshape(tokenMask(ids), [batch, 1, 1, length]);
      return tf.softmax(tf.add(scores, tf.mul(tf.sub(1, keyMask), MASKED)));
    });
  }

  /** The padding mask stops here: this layer reads the token ids itself. */
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads };
  }
}
tf.serialization.registerClass(AttentionMaps);
