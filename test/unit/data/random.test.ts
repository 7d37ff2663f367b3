import * as assert from 'assert';
import {
  createRng,
  deriveSeed,
  normalSample,
  randomInt,
  seededPermutation,
  shuffleInPlace,
} from '../../../src/engine/random';

function draws(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng());
}

describe('seeded random numbers', () => {
  it('repeats a stream for the same seed and differs for another seed', () => {
    assert.deepStrictEqual(draws(42, 20), draws(42, 20));
    assert.notDeepStrictEqual(draws(42, 20), draws(43, 20));
  });

  it('keeps the high bits of large seeds (seed × 1000 + epoch beyond 2^32)', () => {
    assert.notDeepStrictEqual(draws(2 ** 32 + 5, 10), draws(5, 10));
    assert.notDeepStrictEqual(draws(-1, 10), draws(2 ** 32 - 1, 10));
  });

  it('rejects a seed that is not a finite number', () => {
    assert.throws(() => createRng(Number.NaN), /finite/);
  });

  it('draws uniformly in [0, 1): ten equal buckets pass a chi-square test', () => {
    const rng = createRng(7);
    const buckets = new Array<number>(10).fill(0);
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const u = rng();
      assert.ok(u >= 0 && u < 1);
      buckets[Math.floor(u * 10)]++;
    }
    const expected = n / 10;
    const chi2 = buckets.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: the 0.999 quantile is 27.9.
    assert.ok(chi2 < 27.9, `chi-square ${chi2}`);
  });

  it('randomInt stays in [0, n) and reaches every value', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = randomInt(rng, 6);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
      seen.add(k);
    }
    assert.strictEqual(seen.size, 6);
  });

  it('normal samples have mean 0 and variance 1', () => {
    const rng = createRng(11);
    const n = 50000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = normalSample(rng);
      assert.ok(Number.isFinite(z));
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Standard errors: 1/√n ≈ 0.0045 for the mean, √(2/n) ≈ 0.0063 for the variance.
    assert.ok(Math.abs(mean) < 0.025, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.035, `variance ${variance}`);
  });

  it('a seeded permutation holds every index once and depends only on n and the seed', () => {
    const p = seededPermutation(100, 9);
    assert.deepStrictEqual(
      Array.from(p).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.deepStrictEqual(p, seededPermutation(100, 9));
    assert.notDeepStrictEqual(p, seededPermutation(100, 10));
    assert.notDeepStrictEqual(
      Array.from(p),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.strictEqual(seededPermutation(0, 1).length, 0);
    assert.throws(() => seededPermutation(-1, 1), /non-negative/);
  });

  it('shuffles plain and typed arrays in place, every order reachable', () => {
    const list = ['a', 'b', 'c'];
    assert.strictEqual(shuffleInPlace(list, createRng(1)), list);
    assert.deepStrictEqual([...list].sort(), ['a', 'b', 'c']);
    const orders = new Map<string, number>();
    const rng = createRng(5);
    for (let i = 0; i < 6000; i++) {
      const key = Array.from(shuffleInPlace(Int32Array.from([0, 1, 2]), rng)).join('');
      orders.set(key, (orders.get(key) ?? 0) + 1);
    }
    // Fisher–Yates gives each of the 3! orders probability 1/6.
    assert.strictEqual(orders.size, 6);
    for (const count of orders.values()) assert.ok(Math.abs(count - 1000) < 150, `order count ${count}`);
  });

  it('derives unrelated seeds for different purposes of one seed', () => {
    assert.strictEqual(deriveSeed(1, 'validation split'), deriveSeed(1, 'validation split'));
    assert.notStrictEqual(deriveSeed(1, 'validation split'), deriveSeed(1, 'test split'));
    assert.notStrictEqual(deriveSeed(1, 'validation split'), deriveSeed(2, 'validation split'));
  });
});
