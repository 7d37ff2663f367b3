// The rest of a BERT encoder block, given its attention probabilities (AttentionMaps): values,
// output projection, residual + layer norm, GELU feed-forward, residual + layer norm (post-LN, as
// BERT and DistilBERT), with dropout on the attention, the attention output and the feed-forward
// output while training. Its output, the block's hidden states, is what `cosine` and `hint` tap.
import * as tf from '@tensorflow/tfjs';
import { gelu, inputList, layerNorm, mergeHeads, project, splitHeads } from './common';

export interface TransformerBlockArgs {
  name?: string;
  heads: number;
  ffn: number;
  dropout: number;
  epsilon?: number;
  seed?: number;
}

interface BlockWeights {
  value: tf.LayerVariable;
  valueBias: tf.LayerVariable;
  output: tf.LayerVariable;
  outputBias: tf.LayerVariable;
  norm1Gamma: tf.LayerVariable;
  norm1Beta: tf.LayerVariable;
  ffn1: tf.LayerVariable;
  ffn1Bias: tf.LayerVariable;
  ffn2: tf.LayerVariable;
  ffn2Bias: tf.LayerVariable;
  norm2Gamma: tf.LayerVariable;
  norm2Beta: tf.LayerVariable;
}

export class TransformerBlock extends tf.layers.Layer {
  static className = 'KdTransformerBlock';
  readonly heads: number;
  readonly ffn: number;
  readonly dropout: number;
  readonly epsilon: number;
  private readonly seed?: number;
  private w?: BlockWeights;

  constructor(args: TransformerBlockArgs) {
    super({ name: args.name });
    this.heads = args.heads;
    this.ffn = args.ffn;
    this.dropout = args.dropout;
    this.epsilon = args.epsilon ?? 1e-12;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as tf.Shape[])[0][2] as number;
    const init = (offset: number) =>
      tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed === undefined ? undefined : this.seed + offset });
    const zeros = tf.initializers.zeros();
    const ones = tf.initializers.ones();
    this.w = {
      value: this.addWeight('value', [d, d], 'float32', init(0)),
      valueBias: this.addWeight('value_bias', [d], 'float32', zeros),
      output: this.addWeight('attention_output', [d, d], 'float32', init(1)),
      outputBias: this.addWeight('attention_output_bias', [d], 'float32', zeros),
      norm1Gamma: this.addWeight('norm1_gamma', [d], 'float32', ones),
      norm1Beta: this.addWeight('norm1_beta', [d], 'float32', zeros),
      ffn1: this.addWeight('ffn1', [d, this.ffn], 'float32', init(2)),
      ffn1Bias: this.addWeight('ffn1_bias', [this.ffn], 'float32', zeros),
      ffn2: this.addWeight('ffn2', [this.ffn, d], 'float32', init(3)),
      ffn2Bias: this.addWeight('ffn2_bias', [d], 'float32', zeros),
      norm2Gamma: this.addWeight('norm2_gamma', [d], 'float32', ones),
      norm2Beta: this.addWeight('norm2_beta', [d], 'float32', zeros),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0];
  }

  private drop(x: tf.Tensor, training: boolean): tf.Tensor {
    return training && this.dropout > 0 ? tf.dropout(x, this.dropout) : x;
  }

  /** inputs: [hidden states [b, L, d], attention [b, heads, L, L]] → hidden states [b, L, d]. */
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const [x, attention] = inputList(inputs);
      const training = kwargs?.training === true;
      const w = this.w as BlockWeights;
      const v = splitHeads(project(x, w.value.read(), w.valueBias.read()), this.heads);
      const context = mergeHeads(tf.matMul(this.drop(attention, training) as tf.Tensor4D, v));
      const attended = this.drop(project(context, w.output.read(), w.outputBias.read()), training);
      const h = layerNorm(tf.add(x, attended), w.norm1Gamma.read(), w.norm1Beta.read(), this.epsilon);
      const inner = gelu(project(h, w.ffn1.read(), w.ffn1Bias.read()));
      const ff = this.drop(project(inner, w.ffn2.read(), w.ffn2Bias.read()), training);
      return layerNorm(tf.add(h, ff), w.norm2Gamma.read(), w.norm2Beta.read(), this.epsilon);
    });
  }

  /** The padding mask stops here: this layer reads the token ids itself. */
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, ffn: this.ffn, dropout: this.dropout, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(TransformerBlock);
