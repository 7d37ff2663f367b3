import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import {
  createOptimizer,
  learningRateAt,
  setLearningRate,
  weightDecayPenalty,
} from '../../../src/engine/train/optimizer';

describe('optimizer and schedule', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('computes step and cosine schedules by hand', () => {
    assert.strictEqual(learningRateAt({ type: 'constant' }, 0.1, 7, 10), 0.1);
    const step = { type: 'step' as const, stepSize: 3, gamma: 0.5 };
    assert.deepStrictEqual(
      [0, 2, 3, 5, 6].map((e) => learningRateAt(step, 0.8, e, 10)),
      [0.8, 0.8, 0.4, 0.4, 0.2],
    );
    // Milestones count finished epochs, as PyTorch's MultiStepLR: after 150 epochs (0-based epoch 150) the first decay.
    const milestones = { type: 'step' as const, milestones: [150, 180, 210], gamma: 0.1 };
    const expected = [1, 1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001];
    [0, 149, 150, 179, 180, 209, 210, 239].forEach((e, i) =>
      assert.ok(Math.abs(learningRateAt(milestones, 0.05, e, 240) - 0.05 * expected[i]) < 1e-15, `epoch ${e}`),
    );
    const cosine = { type: 'cosine' as const, minLr: 0.1 };
    assert.strictEqual(learningRateAt(cosine, 1, 0, 5), 1);
    assert.ok(Math.abs(learningRateAt(cosine, 1, 2, 5) - 0.55) < 1e-12);
    assert.ok(Math.abs(learningRateAt(cosine, 1, 4, 5) - 0.1) < 1e-12);
  });

  it('changes the learning rate of a live SGD and Adam optimizer', () => {
    for (const config of [
      { type: 'sgd' as const, lr: 1, weightDecay: 0 },
      { type: 'adam' as const, lr: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
    ]) {
      const w = tf.variable(tf.scalar(1));
      const optimizer = createOptimizer(config);
      setLearningRate(optimizer, 0.25);
      optimizer.minimize(() => tf.mul(w, 2) as tf.Scalar, false, [w]);
      // SGD: 1 - 0.25·2; Adam's first step moves by lr·sign(g) (up to epsilon).
      const expected = config.type === 'sgd' ? 0.5 : 0.75;
      assert.ok(Math.abs(w.dataSync()[0] - expected) < 1e-4, `${config.type}: ${w.dataSync()[0]}`);
      optimizer.dispose();
      w.dispose();
    }
  });

  it('decays kernels only: ½·λ·Σw²', () => {
    const kernel = tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      true,
      'dense_1/kernel',
    );
    const bias = tf.variable(tf.tensor1d([10, 10]), true, 'dense_1/bias');
    const penalty = weightDecayPenalty([kernel, bias], 0.1);
    assert.ok(penalty);
    assert.ok(Math.abs(penalty.dataSync()[0] - 0.5 * 0.1 * 30) < 1e-6);
    assert.strictEqual(weightDecayPenalty([kernel], 0), undefined);
    tf.dispose([kernel, bias, penalty]);
  });
});
