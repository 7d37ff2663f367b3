// One vector per sequence: the [CLS] position's hidden state (BERT's pooler input) or the mean of
// the hidden states over real tokens only (padding excluded), from [hidden states, token ids].
import * as tf from '@tensorflow/tfjs';
import { inputList, tokenMask } from './common';

export type PoolingMode = 'cls' | 'mean';

export class SequencePooling extends tf.layers.Layer {
  static className = 'KdSequencePooling';
  readonly mode: PoolingMode;

  constructor(args: { name?: string; mode: PoolingMode }) {
    super({ name: args.name });
    if (args.mode !== 'cls' && args.mode !== 'mean')
      throw new Error(`pooling must be "cls" or "mean", got ${String(args.mode)}`);
    this.mode = args.mode;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, , width] = (inputShape as tf.Shape[])[0];
    return [batch, width];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [h, ids] = inputList(inputs);
      const [batch, , width] = h.shape;
      if (this.mode === 'cls') return tf.reshape(tf.slice(h, [0, 0, 0], [batch, 1, width]), [batch, width]);
      const mask = tf.expandDims(tokenMask(ids), 2);
      const count = tf.maximum(tf.sum(mask, 1), 1);
      return tf.div(tf.sum(tf.mul(h, mask), 1), count);
    });
  }

  /** The padding mask stops here: this layer reads the token ids itself. */
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode };
  }
}
tf.serialization.registerClass(SequencePooling);
