// Gamma and Beta samples from a uniform generator: mixup and cutmix draw their mixing weight from Beta(α, α).
import { normalSample, type Rng } from '../../random';

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shapes below 1 by the boost Gamma(a + 1)·U^(1/a). */
export function gammaSample(rng: Rng, shape: number): number {
  if (shape < 1) return gammaSample(rng, shape + 1) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as G₁ / (G₁ + G₂). */
export function betaSample(rng: Rng, a: number, b: number): number {
  const g1 = gammaSample(rng, a);
  const g2 = gammaSample(rng, b);
  return g1 + g2 > 0 ? g1 / (g1 + g2) : 0.5;
}
