import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { ceLoss, createLossTerm } from '../../../src/engine/losses';
import { ceRef } from './reference';
import { assertClose, checkGradient, oneHot, scalarOf, tensor, type Arr } from './numeric';

const logits: Arr = { shape: [3, 4], data: [1.2, -0.3, 0.5, 2.0, -1.0, 0.0, 0.7, 0.1, 3.0, -2.0, 0.4, -0.6] };
const labels = oneHot([3, 2, 0], 4);

describe('losses: ce', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('equals the batch mean of −Σ y·log softmax(z), by hand', () => {
    // First row by hand: −log(e^2 / (e^1.2 + e^−0.3 + e^0.5 + e^2)).
    const row0 = -Math.log(Math.exp(2) / (Math.exp(1.2) + Math.exp(-0.3) + Math.exp(0.5) + Math.exp(2)));
    const single = scalarOf(() =>
      ceLoss(
        tensor({ shape: [1, 4], data: logits.data.slice(0, 4) }) as tf.Tensor2D,
        tensor(oneHot([3], 4)) as tf.Tensor2D,
      ),
    );
    assertClose(single, row0, 1e-6);
    assertClose(
      scalarOf(() => ceLoss(tensor(logits) as tf.Tensor2D, tensor(labels) as tf.Tensor2D)),
      ceRef(logits, labels),
      1e-5,
    );
  });

  it('smooths labels to (1 − ε)·y + ε/K', () => {
    const value = scalarOf(() => ceLoss(tensor(logits) as tf.Tensor2D, tensor(labels) as tf.Tensor2D, 0.2));
    assertClose(value, ceRef(logits, labels, 0.2), 1e-5);
    assert.ok(Math.abs(value - ceRef(logits, labels)) > 1e-2, 'smoothing changes the value');
  });

  it('has the gradient of the formula with respect to the logits', () => {
    checkGradient(
      (z) => ceLoss(z as tf.Tensor2D, tensor(labels) as tf.Tensor2D, 0.1),
      (data) => ceRef({ shape: logits.shape, data }, labels, 0.1),
      logits,
    );
  });

  it('is a term that needs no teacher and rejects a smoothing outside [0, 1)', () => {
    const ctx = { teacherShapes: {}, studentShapes: {}, classes: 4, seed: 1 };
    const term = createLossTerm({ type: 'ce', weight: 0.3, labelSmoothing: 0.1 }, ctx);
    assert.strictEqual(term.name, 'ce');
    assert.strictEqual(term.needsTeacher, false);
    assert.strictEqual(term.weight, 0.3);
    const inputs = {
      studentLogits: tensor(logits) as tf.Tensor2D,
      labels: tensor(labels) as tf.Tensor2D,
      studentFeatures: {},
      teacherFeatures: {},
      epoch: 1,
    };
    assertClose(
      scalarOf(() => term.compute(inputs)),
      ceRef(logits, labels, 0.1),
      1e-5,
    );
    tf.dispose([inputs.studentLogits, inputs.labels]);
    assert.throws(
      () => createLossTerm({ type: 'ce', weight: 1, labelSmoothing: 1 }, ctx),
      /ce: labelSmoothing must be in \[0, 1\)/,
    );
  });
});
