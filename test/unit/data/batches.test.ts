import * as assert from 'assert';
import { iterateBatches } from '../../../src/engine/data';
import type { Batch, Split } from '../../../src/engine/data';

/** 23 examples of 2 features [i, −i], label i % 5. */
function split(count = 23): Split {
  const x = new Float32Array(count * 2);
  for (let i = 0; i < count; i++) x.set([i, -i], i * 2);
  return { x, y: Int32Array.from({ length: count }, (_, i) => i % 5), count };
}

function order(batches: Batch[]): number[] {
  return batches.flatMap((b) => Array.from(b.indices));
}

describe('iterateBatches', () => {
  it('covers every example exactly once per epoch, the last batch partial', () => {
    const data = split();
    const batches = [...iterateBatches(data, 2, 5, 7)];
    assert.deepStrictEqual(
      batches.map((b) => b.size),
      [5, 5, 5, 5, 3],
    );
    assert.deepStrictEqual(
      order(batches).sort((a, b) => a - b),
      Array.from({ length: 23 }, (_, i) => i),
    );
    for (const b of batches) {
      assert.strictEqual(b.x.length, b.size * 2);
      assert.strictEqual(b.y.length, b.size);
      for (let i = 0; i < b.size; i++) {
        const id = b.indices[i];
        assert.deepStrictEqual(Array.from(b.x.subarray(2 * i, 2 * i + 2)), [id, -id]);
        assert.strictEqual(b.y[i], id % 5);
      }
    }
  });

  it('shuffles by seed: the same seed repeats an order, the next epoch seed gives another', () => {
    const data = split();
    const first = order([...iterateBatches(data, 2, 4, 1000 + 1)]);
    assert.deepStrictEqual(order([...iterateBatches(data, 2, 4, 1000 + 1)]), first);
    assert.notDeepStrictEqual(order([...iterateBatches(data, 2, 4, 1000 + 2)]), first);
    assert.notDeepStrictEqual(
      first,
      Array.from({ length: 23 }, (_, i) => i),
    );
  });

  it('keeps split order without a seed, and handles a batch larger than the split and an empty split', () => {
    assert.deepStrictEqual(
      order([...iterateBatches(split(), 2, 10)]),
      Array.from({ length: 23 }, (_, i) => i),
    );
    const whole = [...iterateBatches(split(), 2, 100, 3)];
    assert.strictEqual(whole.length, 1);
    assert.strictEqual(whole[0].size, 23);
    assert.strictEqual([...iterateBatches(split(0), 2, 4, 1)].length, 0);
  });

  it('gives each batch its own arrays, never a view on the split or on an earlier batch', () => {
    const data = split();
    const before = Float32Array.from(data.x);
    const batches = [...iterateBatches(data, 2, 5)];
    batches[0].x.fill(99);
    assert.deepStrictEqual(data.x, before);
    assert.deepStrictEqual(Array.from(batches[1].x.subarray(0, 2)), [5, -5]);
  });

  it('rejects a bad batch size and a split whose size does not match the input size', () => {
    assert.throws(() => [...iterateBatches(split(), 2, 0)], /batch size must be a positive integer/);
    assert.throws(() => [...iterateBatches(split(), 3, 4)], /46 values, expected 23 examples × 3/);
  });
});
