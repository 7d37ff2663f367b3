// Smoothing for live charts: the EMA of each column is extended as points arrive rather than
// recomputed, and recomputed only when the weight changes or the history was replaced.
import { emaExtend, emaStart, type EmaState } from '../../src/shared/ema';

/** EMA of each loss column, extended as points arrive and recomputed when the weight changes or history is replaced. */
export class Smoother {
  private weight = -1;
  private stage = '';
  private states: EmaState[] = [];
  private out: (number | null)[][] = [];
  private length = 0;
  /** The last raw value of each column seen, to notice a replaced history. */
  private raw: (number | null)[] = [];

  apply(stage: string, columns: ArrayLike<number | null>[], weight: number): ArrayLike<number | null>[] {
    if (weight <= 0) return columns;
    const n = columns[0]?.length ?? 0;
    // A resumed run replaces the steps after its checkpoint: smoothed values past that point are stale.
    const replaced = this.length > 0 && columns.some((c, i) => c[this.length - 1] !== this.raw[i]);
    if (
      weight !== this.weight ||
      stage !== this.stage ||
      columns.length !== this.out.length ||
      n < this.length ||
      replaced
    ) {
      this.weight = weight;
      this.stage = stage;
      this.states = columns.map(() => emaStart(weight));
      this.out = columns.map(() => []);
      this.length = 0;
    }
    columns.forEach((column, i) => emaExtend(column, this.length, this.states[i], this.out[i]));
    this.length = n;
    this.raw = columns.map((c) => (n > 0 ? c[n - 1] : null));
    return this.out;
  }
}
