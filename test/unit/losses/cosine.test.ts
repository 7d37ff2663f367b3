// DistilBERT's cosine embedding loss against a float64 formula, with padding positions masked,
// its gradient against finite differences, and its shape checks.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { cosineLoss, createLossTerm } from '../../../src/engine/losses';
import { cosineRef } from './reference';
import { assertClose, checkGradient, oneHot, randomArr, scalarOf, tensor } from './numeric';

const student = randomArr([2, 3, 4], 1);
const teacher = randomArr([2, 3, 4], 2);
let ids: tf.Tensor2D;

describe('losses: cosine (DistilBERT)', () => {
  before(async () => {
    await tf.setBackend('cpu');
    ids = tf.tensor2d([
      [2, 5, 0],
      [2, 0, 0],
    ]);
  });
  after(() => ids.dispose());

  it('is the mean of 1 − cos over examples, or over real token positions of sequences', () => {
    const flat = { shape: [6, 4], data: student.data };
    const flatTeacher = { shape: [6, 4], data: teacher.data };
    assertClose(
      scalarOf(() => cosineLoss(tensor(flat), tensor(flatTeacher))),
      cosineRef(flat, flatTeacher),
      1e-6,
    );
    assertClose(
      scalarOf(() => cosineLoss(tensor(student), tensor(teacher), ids)),
      cosineRef(student, teacher, [1, 1, 0, 1, 0, 0]),
      1e-6,
      'masked',
    );
    assertClose(
      scalarOf(() => cosineLoss(tensor(student), tensor(teacher))),
      cosineRef(student, teacher),
      1e-6,
      'unmasked',
    );
    // Invariant to the scale of either side, zero for parallel vectors.
    assertClose(
      scalarOf(() => cosineLoss(tf.mul(tensor(teacher), 3), tensor(teacher), ids)),
      0,
      1e-6,
    );
  });

  it('has the gradient of the formula, and none at padding positions', () => {
    const mask = [1, 1, 0, 1, 0, 0];
    checkGradient(
      (s) => cosineLoss(s, tensor(teacher), ids),
      (data) => cosineRef({ shape: student.shape, data }, teacher, mask),
      student,
    );
    const grad = tf.tidy(() =>
      Array.from(
        tf
          .grad((s) => cosineLoss(s, tensor(teacher), ids))(tensor(student))
          .dataSync(),
      ),
    );
    mask.forEach((m, v) => {
      if (m === 0)
        assert.ok(
          grad.slice(v * 4, v * 4 + 4).every((g) => g === 0),
          `position ${v}`,
        );
    });
  });

  it('as a term: reads both layers, masks with the batch’s token ids, and refuses different widths', () => {
    const ctx = {
      teacherShapes: { block_4: [3, 4] },
      studentShapes: { block_2: [3, 4], narrow: [3, 2] },
      classes: 2,
      seed: 1,
    };
    const term = createLossTerm({ type: 'cosine', weight: 0.1, teacherLayer: 'block_4', studentLayer: 'block_2' }, ctx);
    assert.strictEqual(term.name, 'cosine:block_4->block_2');
    assert.deepStrictEqual([term.teacherLayers, term.studentLayers], [['block_4'], ['block_2']]);
    const value = scalarOf(() =>
      term.compute({
        studentLogits: tf.zeros([2, 2]) as tf.Tensor2D,
        teacherLogits: tf.zeros([2, 2]) as tf.Tensor2D,
        labels: tensor(oneHot([0, 1], 2)) as tf.Tensor2D,
        studentFeatures: { block_2: tensor(student) },
        teacherFeatures: { block_4: tensor(teacher) },
        epoch: 1,
        modelInputs: ids,
      }),
    );
    assertClose(value, cosineRef(student, teacher, [1, 1, 0, 1, 0, 0]), 1e-6);
    assert.throws(
      () => createLossTerm({ type: 'cosine', weight: 1, teacherLayer: 'block_4', studentLayer: 'narrow' }, ctx),
      /cosine: .*differ in shape.*use hint/,
    );
  });
});
