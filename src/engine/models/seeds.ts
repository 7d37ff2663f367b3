// Deterministic initializer seeds: every weight tensor gets its own seed derived from the
// experiment seed, so the same seed gives the same initial weights and no two layers share a pattern.

/** A stream of 32-bit seeds (splitmix32) starting from `seed`. */
export class SeedSequence {
  private state: number;

  constructor(seed: number) {
    this.state = Math.trunc(seed) | 0;
  }

  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
}
