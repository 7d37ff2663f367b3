import * as assert from 'assert';
import { compareLogits } from '../../../src/engine/train/evaluate';

describe('teacher–student comparison', () => {
  it('computes top-1 agreement and KL(teacher‖student) by hand', () => {
    // Two examples, two classes. Example 1: teacher logits (0, 0) → p = (½, ½); student (ln 3, 0) → q = (¾, ¼).
    // KL = ½ln(½/¾) + ½ln(½/¼) = ½ln(2/3) + ½ln 2. Example 2: identical logits → KL 0, argmax agrees.
    const teacher = new Float32Array([0, 0, 2, 1]);
    const student = new Float32Array([Math.log(3), 0, 2, 1]);
    const { agreement, kl } = compareLogits(teacher, student, 2);
    const expectedKl = (0.5 * Math.log(2 / 3) + 0.5 * Math.log(2)) / 2;
    assert.ok(Math.abs(kl - expectedKl) < 1e-6, `kl ${kl} vs ${expectedKl}`);
    // Example 1: teacher argmax is class 0 (tie, first wins), student argmax class 0.
    assert.strictEqual(agreement, 1);
  });

  it('counts disagreements', () => {
    const { agreement, kl } = compareLogits(new Float32Array([5, 0, 0, 5]), new Float32Array([0, 5, 0, 5]), 2);
    assert.strictEqual(agreement, 0.5);
    assert.ok(kl > 0);
  });
});
