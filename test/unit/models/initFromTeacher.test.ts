// DistilBERT's initialisation: a same-width transformer student takes the weights of the teacher's
// mapped blocks (every second one by default), its embedding and classifier; the copies are its
// own; a narrower student is refused with the layer and shapes named.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { TransformerPreset } from '../../../src/engine/config/types';
import { buildModel } from '../../../src/engine/models';
import { initFromTeacher, initPairs } from '../../../src/engine/models/initFromTeacher';

const text = (name: string, seed: number) => ({ inputShape: [6], classes: 3, vocabSize: 20, name, seed });
const transformer = (layers: number, dModel = 8): TransformerPreset => ({
  preset: 'transformer',
  layers,
  dModel,
  heads: 2,
  ffn: 16,
});
const values = (layer: tf.layers.Layer) => layer.getWeights().map((w) => Array.from(w.dataSync()));

describe('models: initialisation from the teacher (DistilBERT)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('pairs mapped blocks with their attention layers, then namesakes', () => {
    const student = ['embedding', 'block_1_attention', 'block_1', 'block_2_attention', 'block_2', 'logits'];
    const teacher = ['embedding', ...[1, 2, 3, 4].flatMap((i) => [`block_${i}_attention`, `block_${i}`]), 'logits'];
    assert.deepStrictEqual(
      initPairs(student, teacher, 'uniform').map((p) => `${p.studentLayer}<-${p.teacherLayer}`),
      [
        'block_1_attention<-block_2_attention',
        'block_1<-block_2',
        'block_2_attention<-block_4_attention',
        'block_2<-block_4',
        'embedding<-embedding',
        'logits<-logits',
      ],
    );
    assert.deepStrictEqual(
      initPairs(student, teacher, [
        [1, 1],
        [2, 3],
      ])
        .slice(0, 4)
        .map((p) => p.teacherLayer),
      ['block_1_attention', 'block_1', 'block_3_attention', 'block_3'],
    );
  });

  it("gives the student exactly the teacher's mapped weights, as copies of its own", () => {
    const teacher = buildModel(transformer(4), text('teacher', 1)).model;
    const student = buildModel(transformer(2), text('student', 2)).model;
    assert.notDeepStrictEqual(values(student.getLayer('block_1')), values(teacher.getLayer('block_2')));
    const pairs = initFromTeacher(student, teacher, 'uniform');
    assert.strictEqual(pairs.length, 6);
    for (const { studentLayer, teacherLayer } of pairs)
      assert.deepStrictEqual(
        values(student.getLayer(studentLayer)),
        values(teacher.getLayer(teacherLayer)),
        `${studentLayer} ← ${teacherLayer}`,
      );
    assert.notDeepStrictEqual(values(student.getLayer('block_1')), values(teacher.getLayer('block_1')));
    // Changing the student leaves the teacher as it was.
    const before = values(teacher.getLayer('block_2'));
    const kernel = student.getLayer('block_1').weights[0];
    kernel.write(tf.zerosLike(kernel.read()));
    assert.deepStrictEqual(values(teacher.getLayer('block_2')), before);
    // Same input, same embedding: the two models' outputs of the copied embedding agree.
    const ids = tf.tensor2d([[3, 4, 5, 0, 0, 0]]);
    const embed = (m: tf.LayersModel) => Array.from((m.getLayer('embedding').apply(ids) as tf.Tensor).dataSync());
    assert.deepStrictEqual(embed(student), embed(teacher));
    tf.dispose(ids);
    teacher.dispose();
    student.dispose();
  });

  it('refuses a student narrower than the teacher, naming the layer and the shapes', () => {
    const teacher = buildModel(transformer(2), text('teacher', 1)).model;
    const student = buildModel(transformer(1, 4), text('student', 2)).model;
    assert.throws(
      () => initFromTeacher(student, teacher, 'uniform'),
      /student initFromTeacher: student layer "block_1_attention" has weights \[4, 4\].* but teacher layer "block_2_attention" has \[8, 8\].*same dModel, heads and ffn/,
    );
    teacher.dispose();
    student.dispose();
  });
});
