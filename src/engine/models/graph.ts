// A small helper over the functional tf.layers API shared by the layer-list builder and the
// presets: it names layers, seeds their initializers and tracks the tensor flowing through.
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../config/types';
import { LayerNames } from './names';
import { deriveSeed } from '../random';
import { SeedSequence } from './seeds';
import { SeededDropout } from './seededDropout';

export type SymbolicTensor = tf.SymbolicTensor;
type Pair = number | [number, number];

export class GraphBuilder {
  readonly names: LayerNames;
  readonly input: SymbolicTensor;
  private readonly seeds: SeedSequence;

  constructor(
    inputShape: number[],
    private readonly seed: number,
    reserved: Iterable<string> = [],
  ) {
    if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`invalid input shape [${inputShape.join(', ')}]: expected positive integer dimensions`);
    }
    this.names = new LayerNames(reserved);
    this.seeds = new SeedSequence(seed);
    this.input = tf.input({ shape: inputShape, name: this.names.fixed('input') });
  }

  /** Glorot uniform is the Keras default; He normal suits ReLU convolution stacks (ResNet). */
  /** The next seed of the model's sequence, for layers that seed their own initialisers. */
  nextSeed(): number {
    return this.seeds.next();
  }

  kernelInit(kind: 'glorot' | 'he' = 'glorot'): ReturnType<typeof tf.initializers.glorotUniform> {
    const seed = this.seeds.next();
    return kind === 'he' ? tf.initializers.heNormal({ seed }) : tf.initializers.glorotUniform({ seed });
  }

  dense(
    x: SymbolicTensor,
    name: string,
    units: number,
    activation: Activation = 'linear',
    useBias = true,
  ): SymbolicTensor {
    const flat = this.flattenIfNeeded(x);
    return apply(tf.layers.dense({ name, units, activation, useBias, kernelInitializer: this.kernelInit() }), flat);
  }

  conv2d(
    x: SymbolicTensor,
    name: string,
    options: {
      filters: number;
      kernelSize: Pair;
      strides?: Pair;
      padding?: 'valid' | 'same';
      activation?: Activation;
      useBias?: boolean;
      init?: 'glorot' | 'he';
    },
  ): SymbolicTensor {
    requireImage(x, name);
    const layer = tf.layers.conv2d({
      name,
      filters: options.filters,
      kernelSize: options.kernelSize,
      strides: options.strides ?? 1,
      padding: options.padding ?? 'valid',
      activation: options.activation ?? 'linear',
      useBias: options.useBias ?? true,
      kernelInitializer: this.kernelInit(options.init),
    });
    return apply(layer, x);
  }

  /** One k×k filter per input channel (times depthMultiplier): MobileNet's spatial step. */
  depthwiseConv2d(
    x: SymbolicTensor,
    name: string,
    options: {
      kernelSize: Pair;
      strides?: Pair;
      padding?: 'valid' | 'same';
      depthMultiplier?: number;
      activation?: Activation;
      useBias?: boolean;
      init?: 'glorot' | 'he';
    },
  ): SymbolicTensor {
    requireImage(x, name);
    const layer = tf.layers.depthwiseConv2d({
      name,
      kernelSize: options.kernelSize,
      strides: options.strides ?? 1,
      padding: options.padding ?? 'valid',
      depthMultiplier: options.depthMultiplier ?? 1,
      activation: options.activation ?? 'linear',
      useBias: options.useBias ?? true,
      depthwiseInitializer: this.kernelInit(options.init),
    });
    return apply(layer, x);
  }

  pool(
    x: SymbolicTensor,
    name: string,
    kind: 'max' | 'avg',
    poolSize: Pair,
    strides?: Pair,
    padding: 'valid' | 'same' = 'valid',
  ): SymbolicTensor {
    requireImage(x, name);
    const args = { name, poolSize, strides: strides ?? poolSize, padding };
    return apply(kind === 'max' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args), x);
  }

  globalAveragePooling(x: SymbolicTensor, name: string): SymbolicTensor {
    requireImage(x, name);
    return apply(tf.layers.globalAveragePooling2d({ name }), x);
  }

  batchNorm(x: SymbolicTensor, name: string, momentum = 0.99, epsilon = 1e-3): SymbolicTensor {
    return apply(tf.layers.batchNormalization({ name, momentum, epsilon }), x);
  }

  /** Masks drawn from the run seed, the layer's name and the training step (see seededDropout.ts). */
  dropout(x: SymbolicTensor, name: string, rate: number): SymbolicTensor {
    return apply(new SeededDropout({ name, rate, seed: deriveSeed(this.seed, `dropout ${name}`) }), x);
  }

  flatten(x: SymbolicTensor, name: string): SymbolicTensor {
    return apply(tf.layers.flatten({ name }), x);
  }

  activation(x: SymbolicTensor, name: string, activation: Activation): SymbolicTensor {
    return apply(tf.layers.activation({ name, activation }), x);
  }

  leakyRelu(x: SymbolicTensor, name: string, alpha: number): SymbolicTensor {
    return apply(tf.layers.leakyReLU({ name, alpha }), x);
  }

  add(inputs: SymbolicTensor[], name: string): SymbolicTensor {
    return apply(tf.layers.add({ name }), inputs);
  }

  /** Dense layers act on the last axis only; a feature map meets a dense layer flattened. */
  flattenIfNeeded(x: SymbolicTensor): SymbolicTensor {
    return x.shape.length > 2 ? this.flatten(x, this.names.fixed('flatten')) : x;
  }

  model(output: SymbolicTensor, name: string): tf.LayersModel {
    return tf.model({ inputs: this.input, outputs: output, name });
  }
}

function apply(layer: tf.layers.Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

function requireImage(x: SymbolicTensor, name: string): void {
  if (x.shape.length !== 4) {
    throw new Error(
      `layer "${name}" needs an image-shaped input [height, width, channels]; it gets [${x.shape.slice(1).join(', ')}]`,
    );
  }
}

/** The names of a model's layers that a loss may tap: every layer but the inputs. */
export function tappableLayers(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name);
}
