// Dropout whose masks come from the run's seed. TF.js's own layer either draws from an unseeded
// generator (two runs with one seed differ) or, given a seed, draws the same mask at every step.
// Here the mask of a step is a pure function of the layer's seed (derived from the run seed and the
// layer's name) and of the training step the loop announces, so a run repeats exactly and a resumed
// run draws the masks the uninterrupted one would, with no generator state to checkpoint.
// The class serialises as "Dropout", so saved models load anywhere as ordinary dropout.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, mix32 } from '../random';

let step = 0;

/** Announces the training step about to run: every seeded dropout draws its masks for this step. */
export function setRandomStep(globalStep: number): void {
  step = globalStep;
}

export interface SeededDropoutArgs {
  rate: number;
  seed?: number;
  name?: string;
  noiseShape?: number[];
}

export class SeededDropout extends tf.layers.Layer {
  static className = 'Dropout';
  readonly rate: number;
  readonly seed: number;
  private readonly noiseShape?: number[];

  constructor(args: SeededDropoutArgs & tf.serialization.ConfigDict) {
    super(args);
    this.rate = Math.max(Math.min(args.rate, 1), 0);
    this.noiseShape = args.noiseShape;
    // A saved model carries its seed; one saved by other tools gets a seed from its layer's name.
    this.seed = typeof args.seed === 'number' ? args.seed : deriveSeed(0, `dropout ${this.name}`);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const input = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!(this.rate > 0 && this.rate < 1) || kwargs['training'] !== true) return input.clone();
      const noiseShape = this.noiseShape?.map((d, i) => d ?? input.shape[i]);
      return tf.dropout(input, this.rate, noiseShape, mix32(this.seed ^ mix32(step)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape ?? null, seed: this.seed };
  }
}

// Loading a model (a checkpoint, a teacher) rebuilds its dropout layers as this class.
tf.serialization.registerClass(SeededDropout);
