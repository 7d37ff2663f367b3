import { strict as assert } from 'assert';
import { logGamma, regularizedBeta, studentTCdf, studentTQuantile } from '../../../src/engine/sweep/studentT';

// t(0.975, df) for df = 1..30, from the standard printed tables (three decimals).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

describe("Student's t distribution", () => {
  it('log Γ matches factorials and Γ(1/2) = √π', () => {
    for (const [x, fact] of [
      [1, 1],
      [2, 1],
      [5, 24],
      [11, 3628800],
    ])
      assert.ok(Math.abs(logGamma(x) - Math.log(fact)) < 1e-12, `logGamma(${x})`);
    assert.ok(Math.abs(logGamma(0.5) - Math.log(Math.sqrt(Math.PI))) < 1e-12);
  });

  it('the regularized incomplete beta has its closed forms: I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a', () => {
    for (const x of [0.01, 0.2, 0.5, 0.77, 0.99]) {
      assert.ok(Math.abs(regularizedBeta(x, 1, 3.5) - (1 - (1 - x) ** 3.5)) < 1e-12);
      assert.ok(Math.abs(regularizedBeta(x, 2.5, 1) - x ** 2.5) < 1e-12);
    }
  });

  it('the CDF equals the closed forms for df = 1 (Cauchy) and df = 2', () => {
    for (const t of [-30, -2.5, -0.3, 0, 0.7, 1.9, 12]) {
      assert.ok(Math.abs(studentTCdf(t, 1) - (0.5 + Math.atan(t) / Math.PI)) < 1e-12, `df 1, t ${t}`);
      assert.ok(Math.abs(studentTCdf(t, 2) - (0.5 + t / (2 * Math.sqrt(2 + t * t)))) < 1e-12, `df 2, t ${t}`);
    }
  });

  it('t(0.975, df) matches the printed table for df = 1..30', () => {
    T975.forEach((expected, i) => {
      const df = i + 1;
      const got = studentTQuantile(0.975, df);
      assert.ok(Math.abs(got - expected) < 6e-4, `df ${df}: ${got} vs ${expected}`);
    });
  });

  it('other quantiles: t(0.95, 10) = 1.812, t(0.995, 5) = 4.032, symmetry, and the normal limit 1.960', () => {
    assert.ok(Math.abs(studentTQuantile(0.95, 10) - 1.812) < 6e-4);
    assert.ok(Math.abs(studentTQuantile(0.995, 5) - 4.032) < 6e-4);
    assert.ok(Math.abs(studentTQuantile(0.025, 4) + studentTQuantile(0.975, 4)) < 1e-10);
    assert.equal(studentTQuantile(0.5, 3), 0);
    assert.ok(Math.abs(studentTQuantile(0.975, 1e6) - 1.95996) < 1e-4);
    // The quantile inverts the CDF.
    for (const df of [1, 2.5, 7, 40]) assert.ok(Math.abs(studentTCdf(studentTQuantile(0.9, df), df) - 0.9) < 1e-10);
  });

  it('refuses probabilities outside (0, 1) and non-positive degrees of freedom', () => {
    assert.throws(() => studentTQuantile(1, 3), /probability/);
    assert.throws(() => studentTQuantile(0.9, 0), /degrees of freedom/);
  });
});
