import * as assert from 'assert';
import * as path from 'path';
import type { Problem } from '../../../src/engine/config';
import { validateExperimentText } from '../../../src/engine/config';
import { baseExperiment, BROKEN, problemsOf, writeFiles } from './helpers';

interface Expected {
  /** File name when the problem is in another file than the one validated. */
  file?: string;
  line: number;
  column?: number;
  path: string;
  message: RegExp;
  severity?: Problem['severity'];
}

/** Asserts the problems are exactly the expected ones (in order): no noise, nothing missing. */
function assertProblems(problems: Problem[], expected: Expected[], validated: string): void {
  const shown = problems
    .map((p) => `${path.basename(p.file)}:${p.line}:${p.column} ${p.severity} ${p.path} ${p.message}`)
    .join('\n');
  assert.strictEqual(problems.length, expected.length, `expected ${expected.length} problems, got:\n${shown}`);
  expected.forEach((e, i) => {
    const p = problems[i];
    assert.strictEqual(path.basename(p.file), e.file ?? path.basename(validated), shown);
    assert.strictEqual(p.line, e.line, shown);
    if (e.column !== undefined) assert.strictEqual(p.column, e.column, shown);
    assert.strictEqual(p.path, e.path, shown);
    assert.match(p.message, e.message, shown);
    assert.strictEqual(p.severity, e.severity ?? 'error', shown);
  });
}

const CORPUS: Record<string, Expected[]> = {
  'bad-json.kd.json': [{ line: 4, column: 3, path: '$', message: /^invalid JSON: expected ","$/ }],
  'wrong-type.kd.json': [
    { line: 5, column: 5, path: '$.train.epochs', message: /^must be a whole number \(got "ten"\)$/ },
  ],
  'unknown-loss.kd.json': [
    {
      line: 8,
      column: 9,
      path: '$.distill.losses[1].type',
      message:
        /^unknown loss "kld" \(did you mean "kd"\?\); expected one of ce, kd, dkd, hint, at, nst, rkd, sp, cc, pkt, fsp, crd, reverseKl, jsd, tvd, cosine, attention, hidden, embedding$/,
    },
  ],
  'missing-dataset.kd.json': [
    {
      line: 4,
      column: 5,
      path: '$.data.trainImages',
      message: new RegExp(
        `^file not found: ${escape(path.join(BROKEN, 'no-such-folder', 'train-images-idx3-ubyte'))}$`,
      ),
    },
    {
      line: 5,
      column: 5,
      path: '$.data.trainLabels',
      message: new RegExp(
        `^file not found: ${escape(path.join(BROKEN, 'no-such-folder', 'train-labels-idx1-ubyte'))}$`,
      ),
    },
  ],
  'cycle-a.kd.json': [
    {
      file: 'cycle-b.kd.json',
      line: 3,
      column: 3,
      path: '$.extends',
      message: /^extends cycle: cycle-a\.kd\.json → cycle-b\.kd\.json → cycle-a\.kd\.json$/,
    },
  ],
  'negative-temperature.kd.json': [
    { line: 8, column: 38, path: '$.distill.losses[1].temperature', message: /^must be > 0 \(got -2\)$/ },
  ],
  'later-cell.kd.json': [
    {
      line: 7,
      column: 20,
      path: '$.cells[0].teacher.fromCell',
      message: /^fromCell must name an earlier cell: "teacher" comes after this cell; there is no earlier cell$/,
    },
  ],
  'missing-weight.kd.json': [
    { line: 8, column: 7, path: '$.distill.losses[1].weight', message: /^required: expected a number ≥ 0$/ },
  ],
  'several.kd.json': [
    { line: 3, path: '$.data.train', message: /^file not found: .*missing\.csv$/ },
    { line: 8, path: '$.distill.losses[1].type', message: /^loss "kd" needs a teacher/ },
    {
      line: 8,
      path: '$.distill.losses[1].temprature',
      message:
        /^unknown property "temprature" \(did you mean "temperature"\?\); expected one of type, weight, temperature, scaleByTemperatureSquared$/,
    },
    { line: 11, path: '$.train.optimizer.lr', message: /^must be > 0 \(got -0\.1\)$/ },
  ],
};

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Validates one experiment written to a temp folder (with extra files beside it). */
function problemsFor(
  experiment: unknown,
  extra: Record<string, string | object> = {},
): { problems: Problem[]; file: string } {
  const dir = writeFiles({
    'x.kd.json': typeof experiment === 'string' ? experiment : (experiment as object),
    ...extra,
  });
  const file = path.join(dir, 'x.kd.json');
  return { problems: problemsOf(file), file };
}

function messages(problems: Problem[]): string[] {
  return problems.map((p) => `${p.path}: ${p.message}`);
}

describe('config: broken files', () => {
  describe('corpus', () => {
    for (const [name, expected] of Object.entries(CORPUS)) {
      it(`${name}: ${expected.length === 1 ? 'one clear error' : `${expected.length} errors`} with line and path`, () => {
        const file = path.join(BROKEN, name);
        assertProblems(problemsOf(file), expected, file);
      });
    }
  });

  it('an empty file is a parse error at line 1', () => {
    const { problems } = problemsFor('');
    assert.deepStrictEqual(
      problems.map((p) => [p.line, p.column, p.message]),
      [[1, 1, 'invalid JSON: expected a value']],
    );
  });

  it('a file that is not an object says so', () => {
    const { problems } = problemsFor('[1, 2]');
    assert.deepStrictEqual(messages(problems), ['$: must be an object (got an array)']);
  });

  it('a duplicate property is an error at the second one', () => {
    const { problems } = problemsFor(
      '{\n  "data": { "dataset": "mnist" },\n  "student": { "preset": "lenet5" },\n  "seed": 1,\n  "seed": 2\n}',
    );
    assert.deepStrictEqual(
      problems.map((p) => [p.line, p.path, p.message]),
      [[5, '$.seed', 'duplicate property "seed" (only the last one would count)']],
    );
  });

  it('a missing extended file names the resolved path', () => {
    const { problems, file } = problemsFor({ extends: './nowhere/base.kd.json' });
    assert.deepStrictEqual(messages(problems), [
      `$.extends: extended file not found: ${path.join(path.dirname(file), 'nowhere', 'base.kd.json')}`,
    ]);
  });

  it('a file extending itself is a cycle', () => {
    const { problems } = problemsFor({ extends: './x.kd.json' });
    assert.deepStrictEqual(messages(problems), ['$.extends: extends cycle: x.kd.json → x.kd.json']);
  });

  it('problems of an extended file are reported in that file', () => {
    const { problems } = problemsFor(
      { extends: './base.kd.json', student: { preset: 'mlp', hidden: [2] } },
      {
        'base.kd.json': '{\n  "data": { "dataset": "mnist", "normalise": "scale" }\n}\n',
      },
    );
    assert.strictEqual(problems.length, 1);
    assert.strictEqual(path.basename(problems[0].file), 'base.kd.json');
    assert.strictEqual(problems[0].line, 2);
    assert.match(problems[0].message, /^unknown property "normalise" \(did you mean "normalize"\?\)/);
  });

  it('an unknown top-level key suggests the right one', () => {
    const { problems } = problemsFor(baseExperiment({ baselin: true }));
    assert.deepStrictEqual(messages(problems), [
      '$.baselin: unknown property "baselin" (did you mean "baseline"?); expected one of $schema, name, extends, seed, backend, data, teacher, student, distill, train, baseline, sweep, cells, limits',
    ]);
  });

  it('a step schedule needs exactly one of stepSize and ascending milestones', () => {
    const schedule = (extra: object) =>
      messages(problemsFor(baseExperiment({ train: { epochs: 1, schedule: { type: 'step', ...extra } } })).problems);
    assert.deepStrictEqual(schedule({}), [
      '$.train.schedule: a step schedule needs "stepSize" (decay every N epochs) or "milestones" (decay after the listed epochs)',
    ]);
    assert.deepStrictEqual(schedule({ stepSize: 2, milestones: [3] }), [
      '$.train.schedule.milestones: give either "stepSize" or "milestones", not both',
    ]);
    assert.deepStrictEqual(schedule({ milestones: [3, 2] }), [
      '$.train.schedule.milestones: milestones must ascend, e.g. [150, 180, 210] (got [3, 2])',
    ]);
    assert.deepStrictEqual(schedule({ milestones: [2, 3] }), []);
  });

  it('an unknown enum value lists the allowed ones', () => {
    const { problems } = problemsFor(
      baseExperiment({
        backend: 'gpu',
        distill: { scheme: 'offlne', losses: [{ type: 'ce', weight: 1 }] },
        teacher: null,
      }),
    );
    assert.deepStrictEqual(messages(problems), [
      '$.distill.scheme: unknown scheme "offlne" (did you mean "offline"?); expected one of offline, online, self, assistant, multiTeacher, noisyStudent',
      '$.backend: unknown backend "gpu" (did you mean "cpu"?); expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu',
    ]);
  });

  it('a field of another variant says it does not apply', () => {
    const { problems } = problemsFor(baseExperiment({ train: { optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 } } }));
    assert.deepStrictEqual(messages(problems), [
      '$.train.optimizer.momentum: "momentum" does not apply when type is "sgd"; expected one of type, lr, weightDecay',
    ]);
  });

  it('a field that does not fit the default optimizer is caught after merging', () => {
    const { problems } = problemsFor(baseExperiment({ train: { optimizer: { nesterov: true } } }));
    assert.deepStrictEqual(messages(problems), [
      '$.train.optimizer.nesterov: "nesterov" does not apply to the default optimizer "adam"; set "type" or use one of type, lr, beta1, beta2, epsilon, weightDecay',
    ]);
  });

  it('a refinement that does not fit the inherited kind is caught in the cell that wrote it', () => {
    const { problems } = problemsFor({ ...baseExperiment(), cells: [{ name: 'a', student: { blocks: [1] } }] });
    assert.deepStrictEqual(messages(problems), [
      '$.cells[0].student.blocks: "blocks" does not apply when preset is "mlp"; expected one of preset, hidden, activation, dropout, train',
    ]);
  });

  it('a model with two kinds gets one message', () => {
    const { problems } = problemsFor(
      baseExperiment({ teacher: { preset: 'mlp', hidden: [3], load: './t/model.json' } }),
      { 't/model.json': '{}' },
    );
    assert.deepStrictEqual(messages(problems), [
      '$.teacher.load: a model is one of layers, preset, load, fromCell: "load" cannot be combined with "preset"',
    ]);
  });

  it('a model without a kind, missing data and missing student are named', () => {
    const { problems } = problemsFor({ teacher: { hidden: [3] }, distill: { losses: [{ type: 'ce', weight: 1 }] } });
    assert.deepStrictEqual(messages(problems), [
      '$.data: required: every experiment needs data, e.g. "data": { "dataset": "mnist" }',
      '$.student: required: the model to train, given by "layers", "preset", "load" or "fromCell"',
      '$.teacher: needs one of "layers", "preset", "load" or "fromCell"',
    ]);
  });

  it('a list model needs a kind (schema) and a data refinement needs a dataset somewhere', () => {
    const { problems } = problemsFor(
      baseExperiment({
        data: { trainLimit: 10 },
        distill: { scheme: 'online', peers: [{ hidden: [4] }], losses: [{ type: 'kd', weight: 1 }] },
        teacher: null,
      }),
    );
    assert.deepStrictEqual(messages(problems), [
      '$.data.dataset: required: expected one of mnist, fashion-mnist, cifar10, cifar100, idx, csv, images, synthetic',
      '$.distill.peers[0]: needs one of "layers", "preset", "load" or "fromCell"',
    ]);
  });

  it('required fields of a variant say which variant needs them', () => {
    const { problems } = problemsFor(baseExperiment({ data: { dataset: 'images', train: './imgs' } }), {
      'imgs/a/1.png': 'x',
    });
    assert.deepStrictEqual(messages(problems), [
      '$.data.channels: required when dataset is "images": expected one of 1, 3',
      '$.data.imageSize: required when dataset is "images": expected an array of 2 whole numbers ≥ 1',
    ]);
  });

  it('data paths must be of the right kind: files for csv, folders for images', () => {
    const csv = problemsFor(baseExperiment({ data: { dataset: 'csv', train: './folder', labelColumn: 0 } }), {
      'folder/a.csv': 'x',
    });
    assert.deepStrictEqual(messages(csv.problems), [
      `$.data.train: expected a file, found a folder: ${path.join(path.dirname(csv.file), 'folder')}`,
    ]);
    const images = problemsFor(
      baseExperiment({ data: { dataset: 'images', train: './a.png', imageSize: [8, 8], channels: 1 } }),
      { 'a.png': 'x' },
    );
    assert.match(
      messages(images.problems).join('\n'),
      /^\$\.data\.train: expected a folder with one sub-folder per class, found a file: /,
    );
  });

  it('a missing saved model is named', () => {
    const { problems, file } = problemsFor(baseExperiment({ teacher: { load: 'teacher/model.json' } }));
    assert.deepStrictEqual(messages(problems), [
      `$.teacher.load: model file not found: ${path.join(path.dirname(file), 'teacher', 'model.json')}`,
    ]);
  });

  it('losses that need a teacher are rejected without one; ce alone is fine', () => {
    const { problems } = problemsFor(
      baseExperiment({
        teacher: null,
        distill: {
          losses: [
            { type: 'ce', weight: 1 },
            { type: 'hint', weight: 1, teacherLayer: 'a', studentLayer: 'b' },
            { type: 'rkd', weight: 1 },
          ],
        },
      }),
    );
    assert.deepStrictEqual(messages(problems), [
      '$.distill.losses[1].type: loss "hint" needs a teacher; set "teacher" (a preset, layers, load or fromCell) or use only "ce"',
      '$.distill.losses[2].type: loss "rkd" needs a teacher; set "teacher" (a preset, layers, load or fromCell) or use only "ce"',
    ]);
    assert.deepStrictEqual(
      problemsFor(baseExperiment({ teacher: null, distill: { losses: [{ type: 'ce', weight: 1 }] } })).problems,
      [],
    );
  });

  it('a cell that drops the inherited teacher is named where the loss is written', () => {
    const { problems } = problemsFor({ ...baseExperiment(), cells: [{ name: 'alone', teacher: null }] });
    assert.deepStrictEqual(messages(problems), [
      '$.distill.losses[1].type: in cell "alone": loss "kd" needs a teacher; set "teacher" (a preset, layers, load or fromCell) or use only "ce"',
    ]);
  });

  it('schemes need their fields', () => {
    const scheme = (distill: object, teacher: object | null = null) =>
      messages(
        problemsFor(baseExperiment({ teacher, distill: { losses: [{ type: 'kd', weight: 1 }], ...distill } })).problems,
      );
    assert.deepStrictEqual(scheme({ scheme: 'multiTeacher' }), [
      '$.distill.teachers: required with scheme "multiTeacher": the teachers whose outputs are combined',
    ]);
    assert.deepStrictEqual(scheme({ scheme: 'assistant' }, { preset: 'mlp', hidden: [8] }), [
      '$.distill.assistants: required with scheme "assistant": the intermediate models, from the largest to the smallest',
    ]);
    assert.deepStrictEqual(scheme({ scheme: 'assistant', assistants: [{ preset: 'mlp', hidden: [4] }] }), [
      '$.teacher: required with scheme "assistant": the teacher the first assistant learns from',
      '$.distill.losses[0].type: loss "kd" needs a teacher; set "teacher" (a preset, layers, load or fromCell) or use only "ce"',
    ]);
    assert.deepStrictEqual(scheme({ scheme: 'online' }), [
      '$.distill.peers: required with scheme "online": the models trained together with the student (the student is peer 1)',
    ]);
    assert.deepStrictEqual(scheme({ scheme: 'self', selfMode: 'exits' }), [
      '$.distill.exits: required with scheme "self": the names of the student layers that get an auxiliary classifier',
    ]);
    assert.deepStrictEqual(
      scheme({
        scheme: 'multiTeacher',
        teachers: [{ preset: 'mlp', hidden: [4] }, { preset: 'lenet5' }],
        teacherWeighting: 'weights',
        teacherWeights: [1],
      }),
      ['$.distill.teacherWeights: expected one weight per teacher: 2 teachers, 1 weight'],
    );
    assert.deepStrictEqual(scheme({ scheme: 'self' }), []);
  });

  it('a scheme that ignores the teacher warns', () => {
    const { problems } = problemsFor(
      baseExperiment({
        distill: { scheme: 'online', peers: [{ preset: 'mlp', hidden: [4] }], losses: [{ type: 'kd', weight: 1 }] },
      }),
    );
    assert.deepStrictEqual(
      problems.map((p) => [p.severity, p.path, p.message]),
      [['warning', '$.teacher', 'ignored with scheme "online": the peers teach each other']],
    );
  });

  it('fsp needs two different layers on each side, and required pairs', () => {
    const { problems } = problemsFor(
      baseExperiment({
        distill: { losses: [{ type: 'fsp', weight: 1, teacherLayers: ['a', 'a'], studentLayers: ['b'] }] },
      }),
    );
    assert.deepStrictEqual(messages(problems), [
      '$.distill.losses[0].teacherLayers: an fsp pair needs two different layers (the start and the end of a block), got "a" twice',
      '$.distill.losses[0].studentLayers: must have exactly 2 items (got 1)',
    ]);
  });

  it('fromCell: unknown, itself, or in a file without cells', () => {
    const cells = (teacher: object) =>
      messages(
        problemsFor({
          ...baseExperiment({ teacher: null }),
          cells: [
            { name: 'first', distill: { losses: [{ type: 'ce', weight: 1 }] } },
            { name: 'second', teacher },
          ],
        }).problems,
      );
    assert.deepStrictEqual(cells({ fromCell: 'frist' }), [
      '$.cells[1].teacher.fromCell: no cell named "frist" (did you mean "first"?); the earlier cells are first',
    ]);
    assert.deepStrictEqual(cells({ fromCell: 'second' }), [
      '$.cells[1].teacher.fromCell: fromCell must name an earlier cell, not the cell itself ("second"); the earlier cells are first',
    ]);
    assert.deepStrictEqual(cells({ fromCell: 'first' }), []);
    assert.deepStrictEqual(messages(problemsFor(baseExperiment({ teacher: { fromCell: 'x' } })).problems), [
      '$.teacher.fromCell: fromCell "x" needs a file with "cells": it names the cell whose trained model is reused',
    ]);
  });

  it('a fromCell written at the top level is judged in each cell, naming it', () => {
    const { problems } = problemsFor({
      ...baseExperiment({ teacher: { fromCell: 'big' } }),
      cells: [
        { name: 'big', teacher: null, distill: { losses: [{ type: 'ce', weight: 1 }] } },
        { name: 'small' },
        { name: 'first-use', teacher: { fromCell: 'small' } },
      ],
    });
    assert.deepStrictEqual(messages(problems), []);
    const wrong = problemsFor({
      ...baseExperiment({ teacher: { fromCell: 'big' } }),
      cells: [{ name: 'small' }, { name: 'big' }],
    });
    assert.deepStrictEqual(messages(wrong.problems), [
      '$.teacher.fromCell: in cell "big": fromCell must name an earlier cell, not the cell itself ("big"); the earlier cells are small',
      '$.teacher.fromCell: in cell "small": fromCell must name an earlier cell: "big" comes after this cell; there is no earlier cell',
    ]);
  });

  it('duplicate cell and stage names are rejected', () => {
    const { problems } = problemsFor({
      ...baseExperiment(),
      cells: [
        { name: 'a' },
        {
          name: 'a',
          distill: {
            stages: [
              { name: 's', epochs: 1, losses: [{ type: 'kd', weight: 1 }] },
              { name: 's', epochs: 1, losses: [{ type: 'kd', weight: 1 }] },
            ],
          },
        },
      ],
    });
    assert.deepStrictEqual(messages(problems), [
      '$.cells[1].name: duplicate cell name "a" (also cell 1)',
      '$.cells[1].distill.stages[1].name: duplicate stage name "s" (also stage 1)',
    ]);
  });

  it('a cell name must be a plain name and cells need one', () => {
    const { problems } = problemsFor({ ...baseExperiment(), cells: [{ name: 'has space' }, { seed: 1 }] });
    assert.deepStrictEqual(messages(problems), [
      '$.cells[0].name: must not contain spaces or slashes (got "has space")',
      '$.cells[1].name: required: expected a non-empty string',
    ]);
  });

  it('all-zero loss weights would train nothing', () => {
    const { problems } = problemsFor(
      baseExperiment({
        distill: {
          losses: [
            { type: 'ce', weight: 0 },
            { type: 'kd', weight: 0 },
          ],
        },
      }),
    );
    assert.deepStrictEqual(messages(problems), [
      '$.distill.losses: every loss weight is 0: nothing would be trained; give at least one term a positive weight',
    ]);
  });

  it('budgets and rates must be positive', () => {
    const { problems } = problemsFor(
      baseExperiment({
        train: { epochs: 2.5, batchSize: 0, maxStepsPerEpoch: -1, optimizer: { lr: 0 } },
        data: { dataset: 'mnist', validationSplit: 1, trainLimit: 0 },
      }),
    );
    assert.deepStrictEqual(messages(problems), [
      '$.data.validationSplit: must be < 1 (got 1)',
      '$.data.trainLimit: must be ≥ 1 (got 0)',
      '$.train.epochs: must be a whole number (got 2.5)',
      '$.train.batchSize: must be ≥ 1 (got 0)',
      '$.train.maxStepsPerEpoch: must be ≥ 1 (got -1)',
      '$.train.optimizer.lr: must be > 0 (got 0)',
    ]);
  });

  it('reports every problem of every cell at once, each once', () => {
    const text = JSON.stringify(
      {
        data: { dataset: 'mnist' },
        student: { preset: 'mlp', hidden: [4] },
        train: { epochs: -1 },
        cells: [
          { name: 'a', seed: 'x' },
          { name: 'b', distill: { losses: [{ type: 'kd', weight: -1 }] } },
          { name: 'c' },
        ],
      },
      null,
      2,
    );
    const problems = validateExperimentText(text, path.join(writeFiles({}), 'all.kd.json'));
    assert.deepStrictEqual(messages(problems).sort(), [
      '$.cells[0].seed: must be a whole number (got "x")',
      '$.cells[1].distill.losses[0].type: loss "kd" needs a teacher; set "teacher" (a preset, layers, load or fromCell) or use only "ce"',
      '$.cells[1].distill.losses[0].weight: must be ≥ 0 (got -1)',
      '$.train.epochs: must be ≥ 1 (got -1)',
    ]);
    assert.strictEqual(problems.length, 4);
    const lines = problems.map((p) => p.line);
    assert.deepStrictEqual(
      [...lines].sort((a, b) => a - b),
      lines,
      'sorted by position',
    );
  });
});
