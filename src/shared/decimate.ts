// Min/max decimation per pixel column: beyond a few points per column a line chart shows nothing
// more, but drawing them costs time. Each column keeps its first and last x and, for every series,
// the minimum and the maximum in the order they occur, so spikes survive and the envelope is exact.
// Every index below stays inside [0, length) by the loops' bounds, hence the non-null assertions.

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
    if (column[mid]! < value) lo = mid + 1;
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
    if (column[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sliceOf<T>(column: ArrayLike<T>, from: number, to: number): T[] {
  const out = new Array<T>(to - from);
  for (let i = from; i < to; i++) out[i - from] = column[i]!;
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

  const x0 = x[from]!;
  const span = x[to - 1]! - x0 || 1;
  const outX: number[] = [];
  const outYs: (number | null)[][] = ys.map(() => []);
  let i = from;
  for (let b = 0; b < buckets && i < to; b++) {
    // The points of column b: x below the column's right edge (the last column takes the rest).
    let end = to;
    if (b < buckets - 1) {
      const edge = x0 + ((b + 1) * span) / buckets;
      let lo = i;
      let hi = to;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (x[mid]! < edge) lo = mid + 1;
        else hi = mid;
      }
      end = lo;
    }
    if (end === i) continue;
    const first = i;
    const last = end - 1;
    i = end;
    if (first === last) {
      outX.push(x[first]!);
      for (let s = 0; s < ys.length; s++) outYs[s]!.push(ys[s]![first]!);
      continue;
    }
    outX.push(x[first]!, x[last]!);
    for (let s = 0; s < ys.length; s++) {
      const y = ys[s]!;
      const out = outYs[s]!;
      let min = Infinity;
      let max = -Infinity;
      let minAt = -1;
      let maxAt = -1;
      for (let j = first; j <= last; j++) {
        const v = y[j]!;
        if (v === null || !(v === v) || v === Infinity || v === -Infinity) continue;
        if (v < min) {
          min = v;
          minAt = j;
        }
        if (v > max) {
          max = v;
          maxAt = j;
        }
      }
      if (minAt < 0) out.push(null, null);
      else if (minAt <= maxAt) out.push(min, max);
      else out.push(max, min);
    }
  }
  return { x: outX, ys: outYs };
}
