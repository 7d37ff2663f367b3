// Seeded classification data of any shape: each class is a mixture of Gaussian clusters in a
// small latent space, mapped to the input space by a random projection, plus input noise.
// Two clusters per class make the classes not linearly separable, so hidden layers (and a
// larger teacher) help; the overlap of clusters keeps accuracy short of 100%.
import type { SyntheticData } from '../config/types';
import { createRng, deriveSeed, normalSample, randomInt, shuffleInPlace, type Rng } from '../random';
import { indexNames, sizeOf, type RawSource, type RawSplit } from './source';

const CLUSTERS_PER_CLASS = 2;
/** Spread of cluster centres relative to the unit noise around each centre. */
const CENTER_SPREAD = 1.6;
/** Standard deviation of the noise added to each input feature. */
const INPUT_NOISE = 0.3;

interface Distribution {
  latent: number;
  features: number;
  /** classes × clusters × latent centres. */
  centers: Float64Array;
  /** features × latent projection. */
  projection: Float64Array;
}

function latentSize(features: number, classes: number): number {
  return Math.min(features, Math.max(2, Math.ceil(Math.log2(classes)) + 2));
}

function makeDistribution(features: number, classes: number, rng: Rng): Distribution {
  const latent = latentSize(features, classes);
  const centers = new Float64Array(classes * CLUSTERS_PER_CLASS * latent);
  for (let i = 0; i < centers.length; i++) centers[i] = CENTER_SPREAD * normalSample(rng);
  const projection = new Float64Array(features * latent);
  for (let i = 0; i < projection.length; i++) projection[i] = normalSample(rng) / Math.sqrt(latent);
  return { latent, features, centers, projection };
}

function sample(dist: Distribution, classes: number, count: number, rng: Rng): RawSplit {
  const { latent, features, centers, projection } = dist;
  const x = new Float32Array(count * features);
  // Balanced classes in a random order.
  const y = shuffleInPlace(
    Int32Array.from({ length: count }, (_, i) => i % classes),
    rng,
  );
  const z = new Float64Array(latent);
  for (let n = 0; n < count; n++) {
    const cluster = y[n] * CLUSTERS_PER_CLASS + randomInt(rng, CLUSTERS_PER_CLASS);
    for (let j = 0; j < latent; j++) z[j] = centers[cluster * latent + j] + normalSample(rng);
    for (let f = 0; f < features; f++) {
      let value = INPUT_NOISE * normalSample(rng);
      for (let j = 0; j < latent; j++) value += projection[f * latent + j] * z[j];
      x[n * features + f] = value;
    }
  }
  return { x, y, count };
}

function checkConfig(config: SyntheticData): void {
  const { shape, classes, trainSize, testSize } = config;
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`synthetic data: shape must be positive integers, got ${JSON.stringify(shape)}`);
  }
  if (!Number.isInteger(classes) || classes < 2)
    throw new Error(`synthetic data: classes must be an integer of at least 2, got ${classes}`);
  for (const [key, value] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`synthetic data: ${key} must be a positive integer, got ${value}`);
  }
}

/** The same data for the same `dataSeed`, shape and sizes, whatever the experiment seed. */
export function readSyntheticSource(config: SyntheticData): RawSource {
  checkConfig(config);
  const dataSeed = config.dataSeed ?? 0;
  const features = sizeOf(config.shape);
  const dist = makeDistribution(features, config.classes, createRng(deriveSeed(dataSeed, 'synthetic distribution')));
  return {
    name: 'synthetic',
    inputShape: [...config.shape],
    classNames: indexNames(config.classes),
    pixels: false,
    train: sample(dist, config.classes, config.trainSize, createRng(deriveSeed(dataSeed, 'synthetic train'))),
    test: sample(dist, config.classes, config.testSize, createRng(deriveSeed(dataSeed, 'synthetic test'))),
  };
}
