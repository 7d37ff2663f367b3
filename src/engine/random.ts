// Seeded randomness for everything that must repeat exactly from a seed: data splits, the
// shuffling of each epoch, synthetic data. Math.random is never used where results are recorded.

/** A uniform generator on [0, 1). */
export type Rng = () => number;

const TWO_32 = 4294967296;

/** Reduces any finite number (negative, fractional or beyond 32 bits) to a 32-bit seed without losing its high bits. */
function seedBits(seed: number): number {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  const low = ((whole % TWO_32) + TWO_32) % TWO_32;
  const high = Math.floor(whole / TWO_32);
  return (low ^ Math.imul(high | 0, 0x9e3779b1)) >>> 0;
}

/** The splitmix32 finaliser: spreads nearby seeds (1, 2, 3…) to unrelated states. */
export function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A mulberry32 generator: fast, 32 bits of state, good enough for shuffles and sampling. */
export function createRng(seed: number): Rng {
  let state = mix32(seedBits(seed));
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_32;
  };
}

/** A seed for one named use of a parent seed, so that two uses of the same seed draw unrelated streams. */
export function deriveSeed(seed: number, purpose: string): number {
  let hash = 0x811c9dc5; // FNV-1a over the purpose
  for (let i = 0; i < purpose.length; i++) hash = Math.imul(hash ^ purpose.charCodeAt(i), 0x01000193);
  return mix32(seedBits(seed) ^ mix32(hash >>> 0));
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

interface Swappable<T> {
  length: number;
  [index: number]: T;
}

/** Fisher–Yates shuffle; returns the same array. */
export function shuffleInPlace<A extends Swappable<unknown>>(array: A, rng: Rng): A {
  for (let i = array.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const held = array[i];
    array[i] = array[j];
    array[j] = held;
  }
  return array;
}

/** A permutation of 0…n−1 that depends only on n and the seed. */
export function seededPermutation(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`permutation size must be a non-negative integer, got ${n}`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, createRng(seed));
}

/** A standard normal sample (Box–Muller). */
export function normalSample(rng: Rng): number {
  const u = 1 - rng(); // in (0, 1], so the logarithm stays finite
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
