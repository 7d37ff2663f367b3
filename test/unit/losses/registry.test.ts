import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { LossSpec, LossType } from '../../../src/engine/config/types';
import {
  createLossTerm,
  createLossTerms,
  LOSS_TYPES,
  lossNeedsTeacher,
  tappedLayers,
} from '../../../src/engine/losses';
import type { LossContext } from '../../../src/engine/losses';

const ctx: LossContext = {
  teacherShapes: { t1: [4, 4, 8], t2: [2, 2, 16], embed: [32] },
  studentShapes: { s1: [4, 4, 8], s2: [2, 2, 16], narrow: [4, 4, 4], embed: [8] },
  classes: 10,
  seed: 3,
};

/** One spec of every registered type, reading layers where the type can. */
const EVERY: LossSpec[] = [
  { type: 'ce', weight: 0.1 },
  { type: 'kd', weight: 0.9, temperature: 4, scaleByTemperatureSquared: true },
  { type: 'dkd', weight: 1, alpha: 1, beta: 8, temperature: 4, warmupEpochs: 5 },
  { type: 'hint', weight: 100, teacherLayer: 't1', studentLayer: 'narrow' },
  { type: 'at', weight: 1000, p: 2, pairs: [{ teacherLayer: 't1', studentLayer: 's1' }] },
  { type: 'nst', weight: 50, teacherLayer: 't2', studentLayer: 's2' },
  { type: 'rkd', weight: 1, teacherLayer: 'embed', studentLayer: 'embed', distanceWeight: 25, angleWeight: 50 },
  { type: 'sp', weight: 3000, teacherLayer: 't2', studentLayer: 's2' },
  { type: 'cc', weight: 0.02 },
  { type: 'pkt', weight: 30000, teacherLayer: 'embed' },
  { type: 'fsp', weight: 50, teacherLayers: ['t1', 't2'], studentLayers: ['s1', 's2'] },
  { type: 'reverseKl', weight: 0.5, temperature: 1, scaleByTemperatureSquared: true },
  { type: 'jsd', weight: 0.5, beta: 0.5, temperature: 1, scaleByTemperatureSquared: true },
  { type: 'tvd', weight: 0.5, temperature: 1, scaleByTemperatureSquared: true },
  { type: 'cosine', weight: 0.1, teacherLayer: 't1', studentLayer: 's1' },
];

describe('losses: registry', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('registers every loss type of the config', () => {
    assert.deepStrictEqual([...LOSS_TYPES].sort(), EVERY.map((s) => s.type).sort());
    assert.deepStrictEqual(
      LOSS_TYPES.filter((t) => !lossNeedsTeacher(t)),
      ['ce'],
    );
    assert.throws(() => lossNeedsTeacher('crd' as LossType), /unknown loss type "crd"; known types: ce, kd, dkd/);
    assert.throws(
      () => createLossTerm({ type: 'vid', weight: 1 } as unknown as LossSpec, ctx),
      /unknown loss type "vid"/,
    );
  });

  it('names terms by type and layers, unique within a list', () => {
    const terms = createLossTerms([...EVERY, EVERY[1], EVERY[3], EVERY[1]], ctx);
    assert.deepStrictEqual(
      terms.map((t) => t.name),
      [
        'ce',
        'kd',
        'dkd',
        'hint:t1->narrow',
        'at:t1->s1',
        'nst:t2->s2',
        'rkd:embed->embed',
        'sp:t2->s2',
        'cc',
        'pkt:embed->logits',
        'fsp:t1,t2->s1,s2',
        'reverseKl',
        'jsd',
        'tvd',
        'cosine:t1->s1',
        'kd#2',
        'hint:t1->narrow#2',
        'kd#3',
      ],
    );
    assert.strictEqual(new Set(terms.map((t) => t.name)).size, terms.length);
    assert.deepStrictEqual(terms.map((t) => t.weight).slice(0, 4), [0.1, 0.9, 1, 100]);
    assert.strictEqual(terms[15].spec, EVERY[1]);
    // Each hint term owns its own regressor.
    assert.notStrictEqual(terms[3].trainableVariables()[0], terms[16].trainableVariables()[0]);
    terms.forEach((t) => t.dispose());
  });

  it('lists the layers the terms tap, each once, in order of first use', () => {
    const terms = createLossTerms(EVERY, ctx);
    assert.deepStrictEqual(tappedLayers(terms), {
      teacher: ['t1', 't2', 'embed'],
      student: ['narrow', 's1', 's2', 'embed'],
    });
    assert.deepStrictEqual(tappedLayers(createLossTerms(EVERY.slice(0, 3), ctx)), { teacher: [], student: [] });
    terms.forEach((t) => t.dispose());
  });

  it('exposes adapters only where widths differ, and frees them on dispose', () => {
    const before = tf.memory().numTensors;
    const terms = createLossTerms(EVERY, ctx);
    const owning = terms.filter((t) => t.trainableVariables().length > 0).map((t) => t.name);
    assert.deepStrictEqual(owning, ['hint:t1->narrow']);
    assert.deepStrictEqual(terms[3].adapters(), { narrow: '1x1 conv 4->8' });
    terms.forEach((t) => t.dispose());
    assert.strictEqual(tf.memory().numTensors, before);
  });

  it('names the loss, the layer and the available layers for an unknown layer, for every layer-reading loss', () => {
    const bad: [LossSpec, RegExp][] = [
      [
        { type: 'hint', weight: 1, teacherLayer: 'nope', studentLayer: 's1' },
        /^Error: hint: teacher layer "nope" not found; available teacher layers: t1, t2, embed$/,
      ],
      [
        { type: 'at', weight: 1, p: 2, pairs: [{ teacherLayer: 't1', studentLayer: 'nope' }] },
        /^Error: at: student layer "nope" not found; available student layers: s1, s2, narrow, embed$/,
      ],
      [
        { type: 'nst', weight: 1, teacherLayer: 'nope', studentLayer: 's2' },
        /^Error: nst: teacher layer "nope" not found/,
      ],
      [
        { type: 'rkd', weight: 1, studentLayer: 'nope', distanceWeight: 1, angleWeight: 1 },
        /^Error: rkd: student layer "nope" not found; available student layers: s1, s2, narrow, embed$/,
      ],
      [{ type: 'sp', weight: 1, teacherLayer: 'nope' }, /^Error: sp: teacher layer "nope" not found/],
      [{ type: 'cc', weight: 1, studentLayer: 'nope' }, /^Error: cc: student layer "nope" not found/],
      [{ type: 'pkt', weight: 1, teacherLayer: 'nope' }, /^Error: pkt: teacher layer "nope" not found/],
      [
        { type: 'fsp', weight: 1, teacherLayers: ['t1', 'nope'], studentLayers: ['s1', 's2'] },
        /^Error: fsp: teacher layer "nope" not found/,
      ],
    ];
    for (const [spec, message] of bad) assert.throws(() => createLossTerm(spec, ctx), message, spec.type);
  });

  it('disposes the terms already built when a later spec is invalid', () => {
    const before = tf.memory().numTensors;
    assert.throws(
      () => createLossTerms([EVERY[3], { type: 'hint', weight: 1, teacherLayer: 't1', studentLayer: 'missing' }], ctx),
      /^Error: hint: student layer "missing"/,
    );
    assert.strictEqual(tf.memory().numTensors, before);
  });

  it('rejects a weight that is not a finite number', () => {
    assert.throws(() => createLossTerm({ type: 'ce', weight: Number.NaN }, ctx), /ce: weight must be a finite number/);
  });
});
