import * as assert from 'assert';
import { decimateMinMax, lowerBound, upperBound } from '../../../src/shared/decimate';
import { ema, emaExtend, emaStart } from '../../../src/shared/ema';
import { toCsv } from '../../../src/shared/csv';
import { Smoother } from '../../../webview/shared/smoother';

describe('min/max decimation', () => {
  it('returns the points unchanged when there are few per column', () => {
    const out = decimateMinMax([1, 2, 3], [[5, 6, 7]], 10);
    assert.deepStrictEqual(out, { x: [1, 2, 3], ys: [[5, 6, 7]] });
  });

  it('keeps each column’s extremes in their order, so spikes survive', () => {
    // 12 points into 3 columns of 4: [0..3], [4..7], [8..11] (x spans 0..11, columns of width 11/3).
    const x = Array.from({ length: 12 }, (_, i) => i);
    const y = [1, 9, 2, 3, /**/ 5, 5, -4, 5, /**/ 7, 6, 8, 7];
    const out = decimateMinMax(x, [y], 3);
    // Column 1: min 1 (x 0) comes before max 9 (x 1). Column 2: max 5 (x 4) before min -4 (x 6).
    // Column 3: min 6 (x 9) before max 8 (x 10). Each column spans its first and last x.
    assert.deepStrictEqual(out.x, [0, 3, 4, 7, 8, 11]);
    assert.deepStrictEqual(out.ys[0], [1, 9, 5, -4, 6, 8]);
  });

  it('limits to the visible range plus a neighbour on each side', () => {
    const x = Array.from({ length: 100 }, (_, i) => i);
    const out = decimateMinMax(x, [x], 100, { min: 10, max: 20 });
    assert.deepStrictEqual(
      out.x,
      Array.from({ length: 13 }, (_, i) => i + 9),
    );
  });

  it('reduces 100,000 points to at most two per column and preserves the global extremes', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i + 1);
    const y = x.map((v) => Math.sin(v / 1000) + (v === 54_321 ? 10 : 0));
    const out = decimateMinMax(x, [y], 800);
    assert.ok(out.x.length <= 1600, `${out.x.length} points`);
    assert.strictEqual(Math.max(...(out.ys[0] as number[])), Math.max(...y));
    assert.strictEqual(Math.min(...(out.ys[0] as number[])), Math.min(...y));
    for (let i = 1; i < out.x.length; i++) assert.ok(out.x[i] > out.x[i - 1], 'x stays strictly ascending');
  });

  it('carries nulls as gaps', () => {
    const x = Array.from({ length: 8 }, (_, i) => i);
    const out = decimateMinMax(x, [[null, null, null, null, 1, 2, 3, 4]], 2);
    assert.deepStrictEqual(out.ys[0], [null, null, 1, 4]);
  });

  it('finds bounds in ascending columns', () => {
    assert.strictEqual(lowerBound([1, 2, 2, 3], 2), 1);
    assert.strictEqual(upperBound([1, 2, 2, 3], 2), 3);
    assert.strictEqual(lowerBound([1, 2], 5), 2);
  });
});

describe('EMA smoothing', () => {
  it('matches a hand computation with bias correction', () => {
    // w = 0.5: acc1 = 0.5·2 = 1, debias 0.5 → 2; acc2 = 0.5 + 0.5·4 = 2.5, debias 0.75 → 3.333…
    const out = ema([2, 4], 0.5);
    assert.strictEqual(out[0], 2);
    assert.ok(Math.abs((out[1] as number) - 10 / 3) < 1e-12);
  });

  it('is the identity at weight 0 and skips nulls', () => {
    assert.deepStrictEqual(ema([3, null, 5], 0), [3, null, 5]);
  });

  it('extends incrementally to the same values as a full pass', () => {
    const values = Array.from({ length: 50 }, (_, i) => Math.cos(i) * 3 + i / 10);
    const full = ema(values, 0.9);
    const out: (number | null)[] = [];
    const state = emaStart(0.9);
    emaExtend(values.slice(0, 20), 0, state, out);
    emaExtend(values, 20, state, out);
    assert.deepStrictEqual(out, full);
  });
});

describe('CSV', () => {
  it('quotes fields that need it and leaves empty cells for missing values', () => {
    assert.strictEqual(
      toCsv(
        ['a', 'b,c'],
        [
          [1, 'x"y'],
          [null, 0.1 + 0.2],
        ],
      ),
      'a,"b,c"\n1,"x""y"\n,0.30000000000000004\n',
    );
  });
});

describe('live smoothing', () => {
  it('extends as points arrive and starts over when the history is replaced', () => {
    const smoother = new Smoother();
    const column: (number | null)[] = [4, 2];
    assert.deepStrictEqual(smoother.apply('s', [column], 0.5), [ema(column, 0.5)]);
    column.push(6, 1);
    assert.deepStrictEqual(smoother.apply('s', [column], 0.5), [ema(column, 0.5)]);
    // A resume replaces the last two points with others (same length).
    column.length = 2;
    column.push(7, 3);
    assert.deepStrictEqual(smoother.apply('s', [column], 0.5), [ema(column, 0.5)]);
    assert.deepStrictEqual(smoother.apply('s', [column], 0.9), [ema(column, 0.9)], 'a new weight recomputes');
    assert.strictEqual(smoother.apply('s', [column], 0)[0], column, 'weight 0 is the raw data');
  });
});
