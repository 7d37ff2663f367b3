import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { LossSpec, LossType } from '../../../src/engine/config/types';
import { createLossTerm, createLossTerms, lossNeedsTeacher, tappedLayers } from '../../../src/engine/losses';
import { EXAMPLE_LAYERS } from '../../../src/engine/losses/definition';
import { LOSS_DEFINITIONS, LOSS_TYPES } from '../../../src/engine/losses/registry';
import type { LossContext } from '../../../src/engine/losses';

const ctx: LossContext = {
  teacherShapes: mutable(EXAMPLE_LAYERS.teacher),
  studentShapes: mutable(EXAMPLE_LAYERS.student),
  classes: 10,
  seed: 3,
  trainSize: 16,
};

function mutable(shapes: Readonly<Record<string, readonly number[]>>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(shapes).map(([k, v]) => [k, [...v]]));
}

/** One spec of every registered type: each definition's example. */
const EVERY: LossSpec[] = LOSS_DEFINITIONS.map((d) => ({ type: d.type, ...d.example }) as LossSpec);
const spec = (type: LossType): LossSpec => {
  const found = EVERY.find((s) => s.type === type);
  if (!found) throw new Error(`no example of ${type}`);
  return found;
};

describe('losses: registry', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('registers every definition under its own type, ce alone without a teacher', () => {
    assert.deepStrictEqual(
      LOSS_DEFINITIONS.map((d) => d.type),
      LOSS_TYPES,
    );
    assert.deepStrictEqual(
      LOSS_TYPES.filter((t) => !lossNeedsTeacher(t)),
      ['ce'],
    );
    assert.throws(() => lossNeedsTeacher('vid' as LossType), /unknown loss type "vid"; known types: ce, kd, dkd/);
    assert.throws(
      () => createLossTerm({ type: 'vid', weight: 1 } as unknown as LossSpec, ctx),
      /unknown loss type "vid"/,
    );
  });

  it('builds every example into a term that computes one finite value', () => {
    const batch = 4;
    const random = (shape: readonly number[], seed: number) =>
      tf.randomNormal([batch, ...shape], 0, 1, 'float32', seed);
    const inputs = {
      studentLogits: random([10], 1) as tf.Tensor2D,
      teacherLogits: random([10], 2) as tf.Tensor2D,
      labels: tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 10) as tf.Tensor2D,
      studentFeatures: Object.fromEntries(Object.entries(ctx.studentShapes).map(([k, v], i) => [k, random(v, 10 + i)])),
      teacherFeatures: Object.fromEntries(Object.entries(ctx.teacherShapes).map(([k, v], i) => [k, random(v, 20 + i)])),
      epoch: 10,
      indices: Int32Array.from([0, 1, 2, 3]),
    };
    for (const definition of LOSS_DEFINITIONS) {
      const term = createLossTerm({ type: definition.type, ...definition.example } as LossSpec, ctx);
      assert.ok(term.name.startsWith(definition.type), term.name);
      const value = tf.tidy(() => term.compute(inputs).dataSync());
      assert.strictEqual(value.length, 1, definition.type);
      assert.ok(Number.isFinite(value[0]), `${definition.type}: ${value[0]}`);
      term.dispose();
    }
  });

  it('names terms by type and layers, unique within a list', () => {
    const terms = createLossTerms([...EVERY, spec('kd'), spec('hint'), spec('kd')], ctx);
    const names = terms.map((t) => t.name);
    assert.strictEqual(new Set(names).size, terms.length);
    for (const [type, name] of [
      ['ce', 'ce'],
      ['kd', 'kd'],
      ['dkd', 'dkd'],
      ['hint', 'hint:t1->narrow'],
      ['at', 'at:t1->s1'],
      ['nst', 'nst:t2->s2'],
      ['rkd', 'rkd:embed->embed'],
      ['sp', 'sp:t2->s2'],
      ['cc', 'cc'],
      ['pkt', 'pkt:embed->embed'],
      ['fsp', 'fsp:t1,t2->s1,s2'],
      ['crd', 'crd:embed->embed'],
    ] as const)
      assert.strictEqual(names[EVERY.indexOf(spec(type))], name);
    assert.deepStrictEqual(names.slice(EVERY.length), ['kd#2', 'hint:t1->narrow#2', 'kd#3']);
    assert.deepStrictEqual(
      terms.map((t) => t.weight).slice(0, EVERY.length),
      EVERY.map((s) => s.weight),
    );
    assert.strictEqual(terms[EVERY.length]?.spec, spec('kd'));
    // Each hint term owns its own regressor.
    const hints = terms.filter((t) => t.name.startsWith('hint:'));
    assert.notStrictEqual(hints[0]?.trainableVariables()[0], hints[1]?.trainableVariables()[0]);
    terms.forEach((t) => t.dispose());
  });

  it('lists the layers the terms tap, each once, in order of first use', () => {
    const terms = createLossTerms(EVERY, ctx);
    assert.deepStrictEqual(tappedLayers(terms), {
      teacher: ['t1', 't2', 'embed', 'block_2_attention', 'block_2', 'embedding'],
      student: ['narrow', 's1', 's2', 'embed', 'block_1_attention', 'block_1', 'embedding'],
    });
    assert.deepStrictEqual(tappedLayers(createLossTerms([spec('ce'), spec('kd'), spec('dkd')], ctx)), {
      teacher: [],
      student: [],
    });
    terms.forEach((t) => t.dispose());
  });

  it('exposes adapters only where widths differ, and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const terms = createLossTerms(EVERY, ctx);
    const owning = terms.filter((t) => t.trainableVariables().length > 0).map((t) => t.name);
    assert.deepStrictEqual(owning, [
      'hint:t1->narrow',
      'crd:embed->embed',
      'hidden:block_2->block_1',
      'embedding:embedding->embedding',
    ]);
    assert.deepStrictEqual(terms.find((t) => t.name.startsWith('hint:'))?.adapters(), { narrow: '1x1 conv 4->8' });
    terms.forEach((t) => t.dispose());
    assert.strictEqual(tf.memory().numTensors, before);
  });

  it('names the loss, the layer and the available layers for an unknown layer, for every layer-reading loss', () => {
    const bad: [LossSpec, RegExp][] = [
      [
        { type: 'hint', weight: 1, teacherLayer: 'nope', studentLayer: 's1' },
        /^Error: hint: teacher layer "nope" not found; available teacher layers: t1, t2, embed, embedding, block_1, block_2, block_1_attention, block_2_attention$/,
      ],
      [
        { type: 'at', weight: 1, p: 2, pairs: [{ teacherLayer: 't1', studentLayer: 'nope' }] },
        /^Error: at: student layer "nope" not found; available student layers: s1, s2, narrow, embed, embedding, block_1, block_1_attention$/,
      ],
      [
        { type: 'nst', weight: 1, teacherLayer: 'nope', studentLayer: 's2' },
        /^Error: nst: teacher layer "nope" not found/,
      ],
      [
        { type: 'rkd', weight: 1, studentLayer: 'nope', distanceWeight: 1, angleWeight: 1 },
        /^Error: rkd: student layer "nope" not found; available student layers: s1, s2, narrow, embed, embedding, block_1, block_1_attention$/,
      ],
      [{ type: 'sp', weight: 1, teacherLayer: 'nope' }, /^Error: sp: teacher layer "nope" not found/],
      [{ type: 'cc', weight: 1, studentLayer: 'nope' }, /^Error: cc: student layer "nope" not found/],
      [{ type: 'pkt', weight: 1, teacherLayer: 'nope' }, /^Error: pkt: teacher layer "nope" not found/],
      [
        { type: 'fsp', weight: 1, teacherLayers: ['t1', 'nope'], studentLayers: ['s1', 's2'] },
        /^Error: fsp: teacher layer "nope" not found/,
      ],
      [
        { type: 'attention', weight: 1, teacherLayer: 'nope', studentLayer: 'block_1_attention' },
        /^Error: attention: teacher layer "nope" not found/,
      ],
      [
        { type: 'hidden', weight: 1, teacherLayer: 'block_1', studentLayer: 'nope' },
        /^Error: hidden: student layer "nope" not found/,
      ],
      [
        { type: 'embedding', weight: 1, teacherLayer: 'nope', studentLayer: 'embedding' },
        /^Error: embedding: teacher layer "nope" not found/,
      ],
    ];
    for (const [spec, message] of bad) assert.throws(() => createLossTerm(spec, ctx), message, spec.type);
  });

  it('disposes the terms already built when a later spec is invalid', () => {
    const before = tf.memory().numTensors;
    assert.throws(
      () =>
        createLossTerms([spec('hint'), { type: 'hint', weight: 1, teacherLayer: 't1', studentLayer: 'missing' }], ctx),
      /^Error: hint: student layer "missing"/,
    );
    assert.strictEqual(tf.memory().numTensors, before);
  });

  it('rejects a weight that is not a finite number', () => {
    assert.throws(() => createLossTerm({ type: 'ce', weight: Number.NaN }, ctx), /ce: weight must be a finite number/);
  });
});
