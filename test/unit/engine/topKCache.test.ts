// Top-k caching of a frozen teacher's logits: the kept values, indices and log-sum-exp on a fixed
// row; the memory saved against the full cache; KD on the renormalised top k equal to its float64
// formula and within a per-example bound of KD on the full cache; the terms it refuses; a run with it.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { createLossTerms, kdLoss } from '../../../src/engine/losses';
import { cachedTeacher } from '../../../src/engine/train/teacherOutputs';
import { denseTopK, requireTopKTerms, tailMass, topKOf, TOP_K_FILL } from '../../../src/engine/train/topKLogits';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import { readEvents } from '../../../src/engine/store/runStore';
import { syntheticExperiment, tempDir } from './fixtures';

const C = 100;
const N = 64;
const D = 8;

function logSoftmax(row: number[]): number[] {
  const max = Math.max(...row);
  const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
  return row.map((v) => v - lse);
}

/** KL(P ‖ Q) in float64 over the classes where P > 0. */
function kl(teacher: number[], student: number[]): number {
  const logP = logSoftmax(teacher);
  const logQ = logSoftmax(student);
  return logP.reduce((sum, lp, c) => (lp < -700 ? sum : sum + Math.exp(lp) * (lp - logQ[c])), 0);
}

describe('engine: top-k teacher logit cache', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('keeps the k largest logits, their classes and the log-sum-exp of all of them', () => {
    const cache = topKOf(Float32Array.from([1, 3, 2, 0, -1, 5, 5, 4]), 2, 4, 2);
    assert.deepStrictEqual(Array.from(cache.values), [3, 2, 5, 5]);
    assert.deepStrictEqual(Array.from(cache.indices), [1, 2, 1, 2]);
    const lse = Math.log(Math.E + Math.E ** 3 + Math.E ** 2 + 1);
    assert.ok(Math.abs(cache.logSumExp[0] - lse) < 1e-5);
    assert.ok(Math.abs(tailMass(cache)[0] - (Math.E + 1) / Math.exp(lse)) < 1e-5);
    const dense = denseTopK(cache, [1]);
    assert.deepStrictEqual(Array.from(dense.dataSync()), [TOP_K_FILL, 5, 5, TOP_K_FILL]);
    dense.dispose();
  });

  it('saves memory in proportion to k/C and bounds the KD error against the full cache', () => {
    const x = Float32Array.from({ length: N * D }, (_, i) => Math.sin(i * 12.9898) * 2);
    const split = { x, y: new Int32Array(N), count: N };
    const teacher = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [D],
          units: C,
          kernelInitializer: tf.initializers.randomNormal({ stddev: 1.5, seed: 4 }),
        }),
      ],
    });
    const batch = { x, y: split.y, indices: Int32Array.from({ length: N }, (_, i) => i), size: N };
    const full = cachedTeacher(teacher, [], split, [D]);
    const fullLogits = full.forBatch(batch, tf.zeros([1])).logits;
    const t = fullLogits.arraySync();
    const s = tf.randomNormal([N, C], 0, 1.5, 'float32', 5) as tf.Tensor2D;
    const sRows = s.arraySync();
    let previousError = Infinity;
    for (const k of [5, 20]) {
      const sparse = cachedTeacher(teacher, [], split, [D], k);
      const info = sparse.topK;
      assert.ok(info);
      // Values (4 bytes) + class indices (2 bytes below 65,536 classes) + one log-sum-exp per example.
      assert.strictEqual(info.bytes, N * (6 * k + 4));
      assert.strictEqual(info.fullBytes, N * C * 4);
      const saved = 1 - info.bytes / info.fullBytes;
      console.log(
        `      top-${k} of ${C}: ${info.bytes} bytes instead of ${info.fullBytes} (${(100 * saved).toFixed(1)}% saved); teacher mass outside: mean ${(100 * info.meanTailMass).toFixed(2)}%`,
      );
      assert.ok(saved > 1 - (1.5 * k + 1) / C - 1e-9);
      const topLogits = sparse.forBatch(batch, tf.zeros([1])).logits;
      const tk = topLogits.arraySync();
      // The term's value is the float64 KL of the renormalised top k.
      const value = kdLoss(s, topLogits, 1, false).dataSync()[0];
      const reference = tk.reduce((a, row, i) => a + kl(row, sRows[i]), 0) / N;
      assert.ok(Math.abs(value - reference) < 1e-4 * Math.max(1, reference), `${value} vs ${reference}`);
      // Per example: |KL(P̃‖Q) − KL(P‖Q)| ≤ 2ε·M − log(1 − ε), ε the mass outside the top k, M = max_c |log p_c − log q_c|.
      let error = 0;
      for (let i = 0; i < N; i++) {
        const logP = logSoftmax(t[i]);
        const logQ = logSoftmax(sRows[i]);
        const top = new Set(tk[i].map((v, c) => (v > TOP_K_FILL / 2 ? c : -1)).filter((c) => c >= 0));
        const eps = 1 - [...top].reduce((a, c) => a + Math.exp(logP[c]), 0);
        const m = Math.max(...logP.map((lp, c) => Math.abs(lp - logQ[c])));
        const diff = Math.abs(kl(tk[i], sRows[i]) - kl(t[i], sRows[i]));
        assert.ok(diff <= 2 * eps * m - Math.log(1 - eps) + 1e-9, `example ${i}, k ${k}: ${diff} > bound (ε ${eps})`);
        error += diff / N;
      }
      assert.ok(error > 0 && error < previousError, `mean error ${error} for k ${k}`);
      previousError = error;
      tf.dispose([topLogits]);
      sparse.dispose();
    }
    tf.dispose([fullLogits, s]);
    full.dispose();
    teacher.dispose();
  });

  it('refuses terms that a renormalised top k would make unbounded', () => {
    const ctx = { teacherShapes: {}, studentShapes: {}, classes: 4, seed: 1 };
    const ok = createLossTerms(
      [
        { type: 'ce', weight: 1 },
        { type: 'kd', weight: 1, temperature: 2, scaleByTemperatureSquared: true },
        { type: 'jsd', weight: 1, beta: 0.5, temperature: 1, scaleByTemperatureSquared: true },
        { type: 'tvd', weight: 1, temperature: 1, scaleByTemperatureSquared: true },
      ],
      ctx,
    );
    requireTopKTerms(ok);
    const bad = createLossTerms(
      [{ type: 'reverseKl', weight: 1, temperature: 1, scaleByTemperatureSquared: true }],
      ctx,
    );
    assert.throws(() => requireTopKTerms(bad), /distill.cacheTopK: the term "reverseKl" reads the teacher's logits/);
  });

  it('trains a student on a top-k cache and logs the memory saved', async function () {
    this.timeout(60000);
    const base = syntheticExperiment({ baseline: false });
    const experiment = { ...base, distill: { ...base.distill, cacheTopK: 2 } };
    const { runDir, summary } = await runExperiment(experiment, { runsDir: tempDir() });
    assert.strictEqual(summary.status, 'done', summary.error);
    const logs = readEvents(runDir).filter((e) => e.type === 'log' && /cached as their top 2/.test(e.message));
    assert.strictEqual(logs.length, 1);
  });
});
