// Deterministic initializer seeds: every weight tensor gets its own seed derived from the
// experiment seed, so the same seed gives the same initial weights and no two layers share a pattern.

import { mix32 } from '../random';

/** A stream of 32-bit seeds (splitmix32) starting from `seed`. */
export class SeedSequence {
  private state: number;

  constructor(seed: number) {
    this.state = Math.trunc(seed) | 0;
  }

  next(): number {
    // mix32 adds the golden-ratio step itself, so the k-th seed is splitmix32 of seed + k·step.
    const seed = mix32(this.state);
    this.state = (this.state + 0x9e3779b9) | 0;
    return seed;
  }
}
