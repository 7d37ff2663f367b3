// Token embeddings plus optional learned position embeddings (BERT's input layer without segment
// ids). The layer also emits the padding mask (ids ≠ 0), which TF.js recurrent layers honour.
import * as tf from '@tensorflow/tfjs';
import { inputList } from './common';

export interface TokenEmbeddingArgs {
  name?: string;
  vocabSize: number;
  dModel: number;
  /** Rows of the position table: the longest sequence the layer can read. */
  maxLength: number;
  positions: boolean;
  seed?: number;
}

export class TokenEmbedding extends tf.layers.Layer {
  static className = 'KdTokenEmbedding';
  readonly vocabSize: number;
  readonly dModel: number;
  readonly maxLength: number;
  readonly positions: boolean;
  private readonly seed?: number;
  private tokens?: tf.LayerVariable;
  private positionTable?: tf.LayerVariable;

  constructor(args: TokenEmbeddingArgs) {
    super({ name: args.name });
    this.vocabSize = args.vocabSize;
    this.dModel = args.dModel;
    this.maxLength = args.maxLength;
    this.positions = args.positions;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override build(): void {
    // BERT's initialiser: N(0, 0.02²).
    const init = (offset: number) =>
      tf.initializers.truncatedNormal({ stddev: 0.02, seed: this.seed === undefined ? undefined : this.seed + offset });
    this.tokens = this.addWeight('tokens', [this.vocabSize, this.dModel], 'float32', init(0));
    if (this.positions)
      this.positionTable = this.addWeight('positions', [this.maxLength, this.dModel], 'float32', init(1));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...shape, this.dModel];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(inputList(inputs)[0], 'int32');
      const length = ids.shape[1] as number;
      if (length > this.maxLength)
        throw new Error(`${this.name}: sequences of ${length} tokens exceed the position table (${this.maxLength})`);
      let x: tf.Tensor = tf.gather((this.tokens as tf.LayerVariable).read(), ids);
      if (this.positionTable) x = tf.add(x, tf.slice(this.positionTable.read(), [0, 0], [length, this.dModel]));
      return x;
    });
  }

  override computeMask(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.notEqual(inputList(inputs)[0], 0));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      vocabSize: this.vocabSize,
      dModel: this.dModel,
      maxLength: this.maxLength,
      positions: this.positions,
    };
  }
}
tf.serialization.registerClass(TokenEmbedding);
