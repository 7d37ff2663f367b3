// Property: an experiment that has the schema's shape but one or more wrong values gets at least
// one error, each at a line and column of the file, and never a crash. The generator starts from a
// valid experiment and breaks it in ways that are wrong whatever else it holds.
import * as assert from 'assert';
import fc from 'fast-check';
import { validateExperimentText, kdSchema } from '../../../src/engine/config';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Experiment = { [key: string]: Json };

function base(): Experiment {
  return {
    name: 'prop',
    seed: 1,
    data: { dataset: 'synthetic', shape: [4], classes: 3, trainSize: 32, testSize: 16 },
    student: { preset: 'mlp', hidden: [8] },
    teacher: { preset: 'mlp', hidden: [16] },
    distill: {
      losses: [
        { type: 'ce', weight: 0.5 },
        { type: 'kd', weight: 0.5, temperature: 4 },
      ],
    },
    train: { epochs: 2, batchSize: 16, optimizer: { type: 'adam', lr: 0.001 } },
  };
}

/** Sets a value at a path of objects and arrays; a path an earlier mistake replaced is left alone. */
function setAt(target: Experiment, path: (string | number)[], value: Json | undefined): void {
  let node: Json | undefined = target;
  for (const step of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string, Json>)[step as string];
  }
  if (typeof node !== 'object' || node === null) return;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete (node as Record<string, Json>)[last];
  else (node as Record<string, Json>)[last] = value;
}

const KNOWN_KEYS = new Set(Object.keys((kdSchema as { properties: object }).properties));
const LOSS_TYPES = new Set(['ce', 'kd', 'dkd', 'hint', 'at', 'nst', 'rkd', 'sp', 'cc', 'pkt', 'fsp']);

const notAnInteger = fc.oneof(
  fc.constantFrom<Json>('10', null, true, [], {}, 1.5),
  fc.string().map((s): Json => s),
);
const notPositive = fc.oneof(fc.integer({ min: -1000, max: 0 }), fc.double({ max: 0, noNaN: true }));

type Mistake = [(string | number)[], Json | undefined];
const at = (path: (string | number)[], value: fc.Arbitrary<Json | undefined>): fc.Arbitrary<Mistake> =>
  value.map((v): Mistake => [path, v]);

/** One mistake: a path and a value that is wrong there (undefined removes a required field). */
const mistake: fc.Arbitrary<Mistake> = fc.oneof(
  at(['train', 'epochs'], fc.oneof(notAnInteger, fc.integer({ min: -5, max: 0 }), fc.constant(1e12))),
  at(['train', 'batchSize'], fc.oneof(notAnInteger, fc.integer({ min: 65537, max: 2 ** 31 }))),
  at(['train', 'optimizer', 'lr'], fc.oneof(notPositive, fc.constantFrom<Json>('fast', null))),
  at(['seed'], fc.oneof(fc.constantFrom<Json>('one', 0.5, null, []))),
  at(
    ['data', 'dataset'],
    fc.string().filter((s) => !['mnist', 'idx', 'csv', 'images', 'synthetic'].includes(s)),
  ),
  at(['data', 'classes'], fc.oneof(fc.integer({ min: -3, max: 1 }), fc.integer({ min: 100001 }))),
  at(['student', 'hidden', 0], fc.oneof(fc.integer({ min: -3, max: 0 }), fc.integer({ min: 65537 }))),
  at(
    ['distill', 'losses', 1, 'type'],
    fc.string().filter((s) => !LOSS_TYPES.has(s)),
  ),
  at(['distill', 'losses', 0, 'weight'], fc.oneof(fc.integer({ min: -100, max: -1 }), fc.constant<Json>('1'))),
  at(['name'], fc.constantFrom<Json>('.', '..', 'a/b', 'a\\b', '', 'two words')),
  at(['student'], fc.constant(undefined)),
  at(['data'], fc.constantFrom<Json>(7, 'mnist', [], null)),
  at(['limits'], fc.constantFrom<Json>({ memoryGB: 0 }, { memoryGB: -1 }, { memoryGB: 'lots' }, { other: 1 })),
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !KNOWN_KEYS.has(key) && key !== '__proto__'),
      fc.jsonValue() as fc.Arbitrary<Json>,
    )
    .map(([key, value]): [(string | number)[], Json] => [[key], value]),
);

describe('inputs: property: wrong experiments get positioned errors, never a crash', () => {
  it('holds for 200 generated experiments with one to three mistakes each', () => {
    fc.assert(
      fc.property(fc.array(mistake, { minLength: 1, maxLength: 3 }), fc.boolean(), (mistakes, pretty) => {
        const experiment = base();
        for (const [path, value] of mistakes) setAt(experiment, path, value);
        const text = JSON.stringify(experiment, null, pretty ? 2 : undefined);
        const errors = validateExperimentText(text, '/tmp/property.kd.json').filter((p) => p.severity === 'error');
        assert.ok(errors.length > 0, `no error for ${text}`);
        for (const error of errors) {
          assert.strictEqual(error.file, '/tmp/property.kd.json');
          assert.ok(error.line >= 1 && error.column >= 1, JSON.stringify(error));
          assert.ok(error.path.startsWith('$'), JSON.stringify(error));
          assert.ok(error.message.length > 0);
        }
      }),
      { numRuns: 200, seed: 20261202 },
    );
  });
});
