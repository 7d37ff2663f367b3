// Min/max decimation per pixel column: beyond a few points per column a line chart shows nothing
// more, but drawing them costs time. Each column keeps its first and last x and, for every series,
// the minimum and the maximum in the order they occur, so spikes survive and the envelope is exact.

export interface Decimated {
  x: number[];
  ys: (number | null)[][];
}

/** Index of the first element of an ascending column that is >= value. */
export function lowerBound(column: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = column.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (column[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of an ascending column that is > value. */
export function upperBound(column: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = column.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (column[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sliceOf<T>(column: ArrayLike<T>, from: number, to: number): T[] {
  const out = new Array<T>(to - from);
  for (let i = from; i < to; i++) out[i - from] = column[i];
  return out;
}

/**
 * The points of x ∈ [range.min, range.max] (plus one neighbour on each side, so lines reach the
 * edges), reduced to at most two per column when there are more than that.
 */
export function decimateMinMax(
  x: ArrayLike<number>,
  ys: ArrayLike<number | null>[],
  columns: number,
  range?: { min: number; max: number },
): Decimated {
  const from = range ? Math.max(0, lowerBound(x, range.min) - 1) : 0;
  const to = range ? Math.min(x.length, upperBound(x, range.max) + 1) : x.length;
  const buckets = Math.max(1, Math.floor(columns));
  if (to - from <= 2 * buckets) return { x: sliceOf(x, from, to), ys: ys.map((y) => sliceOf(y, from, to)) };

  const x0 = x[from];
  const span = x[to - 1] - x0 || 1;
  const outX: number[] = [];
  const outYs: (number | null)[][] = ys.map(() => []);
  const min = new Float64Array(ys.length);
  const max = new Float64Array(ys.length);
  const minAt = new Int32Array(ys.length);
  const maxAt = new Int32Array(ys.length);
  let bucket = -1;
  let first = from;
  let last = from;

  const reset = () => {
    min.fill(Infinity);
    max.fill(-Infinity);
    minAt.fill(-1);
    maxAt.fill(-1);
  };
  const flush = () => {
    if (first === last) {
      outX.push(x[first]);
      ys.forEach((y, s) => outYs[s].push(y[first]));
      return;
    }
    outX.push(x[first], x[last]);
    for (let s = 0; s < ys.length; s++) {
      if (minAt[s] < 0) outYs[s].push(null, null);
      else if (minAt[s] <= maxAt[s]) outYs[s].push(min[s], max[s]);
      else outYs[s].push(max[s], min[s]);
    }
  };

  reset();
  for (let i = from; i < to; i++) {
    const b = Math.min(buckets - 1, Math.floor(((x[i] - x0) / span) * buckets));
    if (b !== bucket) {
      if (bucket >= 0) flush();
      bucket = b;
      first = i;
      reset();
    }
    last = i;
    for (let s = 0; s < ys.length; s++) {
      const v = ys[s][i];
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min[s]) {
        min[s] = v;
        minAt[s] = i;
      }
      if (v > max[s]) {
        max[s] = v;
        maxAt[s] = i;
      }
    }
  }
  if (bucket >= 0) flush();
  return { x: outX, ys: outYs };
}
