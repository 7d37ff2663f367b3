// Exponential moving average with bias correction (as TensorBoard smooths scalars): the first
// points are not dragged towards zero, and weight 0 returns the series unchanged.

/** The running state of a smoothing pass, so live points extend it without recomputing the past. */
export interface EmaState {
  weight: number;
  accumulated: number;
  debias: number;
}

export function emaStart(weight: number): EmaState {
  return { weight: Math.min(Math.max(weight, 0), 0.999), accumulated: 0, debias: 0 };
}

/** Smooths values[from…] into out[from…], carrying the state along. Null and non-finite points stay null. */
export function emaExtend(
  values: ArrayLike<number | null>,
  from: number,
  state: EmaState,
  out: (number | null)[],
): void {
  const w = state.weight;
  for (let i = from; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    state.accumulated = state.accumulated * w + (1 - w) * v;
    state.debias = state.debias * w + (1 - w);
    out[i] = state.accumulated / state.debias;
  }
}

export function ema(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out = new Array<number | null>(values.length);
  emaExtend(values, 0, emaStart(weight), out);
  return out;
}
