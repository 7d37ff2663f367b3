// The validator's checks that build models or read the run store: a loss naming a layer the model
// does not have, a misspelt fromCell, a reused cell without a finished run, a loaded teacher that
// does not fit the data. Each is reported at the value, with the valid names and replacements.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyseExperimentText, type Problem } from '../../../src/engine/config';
import { withExperimentChecks } from '../../../src/engine/checks';
import { tempDir, writeFiles } from '../config/helpers';

function problems(text: string, runsDir?: string, dir = tempDir()): Problem[] {
  const file = path.join(dir, 'x.kd.json');
  fs.writeFileSync(file, text);
  return analyseExperimentText(file, text, withExperimentChecks({}, runsDir)).problems;
}

const mnistPair = (loss: object) =>
  JSON.stringify(
    {
      data: { dataset: 'mnist' },
      teacher: { preset: 'lenet5' },
      student: { preset: 'mlp', hidden: [16] },
      distill: { losses: [{ type: 'ce', weight: 0.5 }, loss] },
    },
    null,
    2,
  );

describe('static checks of an experiment (layer names, fromCell runs)', () => {
  it('reports an unknown teacher layer at the name itself, listing the layers and offering the nearest first', () => {
    const text = mnistPair({ type: 'hint', weight: 1, teacherLayer: 'conv3', studentLayer: 'hidden_1' });
    const found = problems(text);
    assert.equal(found.length, 1, JSON.stringify(found));
    const [p] = found as [Problem];
    assert.equal(p.severity, 'error');
    assert.equal(p.path, '$.distill.losses[1].teacherLayer');
    assert.equal(text.slice(p.offset, p.offset + p.length), '"conv3"');
    assert.match(p.message, /hint: teacher layer "conv3" not found/);
    assert.match(p.message, /the teacher's layers are conv1, pool1, conv2, pool2, flatten, fc1, fc2, logits$/);
    assert.deepEqual(p.replacements?.slice(0, 2), ['conv1', 'conv2']);
    assert.equal(p.replacements?.length, 8);
  });

  it('checks student layers, lists of layers (fsp) and pairs (at)', () => {
    const bad = problems(
      mnistPair({ type: 'at', weight: 1, pairs: [{ teacherLayer: 'conv1', studentLayer: 'hiden_1' }] }),
    );
    assert.deepEqual(
      bad.map((p) => [p.path, p.replacements?.[0]]),
      [['$.distill.losses[1].pairs[0].studentLayer', 'hidden_1']],
    );
    const fsp = problems(
      mnistPair({ type: 'fsp', weight: 1, teacherLayers: ['conv1', 'nope'], studentLayers: ['hidden_1', 'logits'] }),
    );
    assert.deepEqual(
      fsp.map((p) => p.path),
      ['$.distill.losses[1].teacherLayers[1]'],
    );
  });

  it('passes names the models have', () => {
    const ok = problems(mnistPair({ type: 'hint', weight: 1, teacherLayer: 'fc2', studentLayer: 'hidden_1' }));
    assert.deepEqual(ok, []);
  });

  it("reads a loaded model's layer names from its model.json, and a fromCell model's from the cell's student", () => {
    const dir = writeFiles({
      'teacher/model.json': {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            name: 't',
            layers: [
              { class_name: 'Dense', config: { name: 'wide', units: 8, batch_input_shape: [null, 784] } },
              { class_name: 'Dense', config: { name: 'out', units: 10 } },
            ],
          },
        },
        weightsManifest: [],
      },
    });
    const loaded = problems(
      JSON.stringify({
        data: { dataset: 'mnist' },
        teacher: { load: './teacher/model.json' },
        student: { preset: 'mlp', hidden: [16] },
        distill: { losses: [{ type: 'hint', weight: 1, teacherLayer: 'wid', studentLayer: 'hidden_1' }] },
      }),
      undefined,
      dir,
    ).filter((p) => p.path.endsWith('teacherLayer'));
    assert.equal(loaded.length, 1, JSON.stringify(loaded));
    assert.match(loaded[0]!.message, /the teacher's layers are wide, out$/);

    const cells = problems(
      JSON.stringify({
        data: { dataset: 'mnist' },
        cells: [
          { name: 'teacher', student: { preset: 'mlp', hidden: [32, 32] } },
          {
            name: 'kd',
            teacher: { fromCell: 'teacher' },
            student: { preset: 'mlp', hidden: [8] },
            distill: { losses: [{ type: 'hint', weight: 1, teacherLayer: 'hidden_3', studentLayer: 'hidden_1' }] },
          },
        ],
      }),
    );
    assert.deepEqual(
      cells.map((p) => [p.path, p.replacements?.[0]]),
      [['$.cells[1].distill.losses[0].teacherLayer', 'hidden_1']],
    );
  });

  it('offers the earlier cells for a misspelt fromCell, and warns (with a run store) when the cell has not run', () => {
    const text = (from: string) =>
      JSON.stringify({
        data: { dataset: 'synthetic', shape: [4], classes: 2, trainSize: 8, testSize: 4 },
        cells: [
          { name: 'teacher', student: { preset: 'mlp', hidden: [4] } },
          { name: 'other', student: { preset: 'mlp', hidden: [4] } },
          {
            name: 'kd',
            teacher: { fromCell: from },
            student: { preset: 'mlp', hidden: [2] },
            distill: { losses: [{ type: 'kd', weight: 1 }] },
          },
        ],
      });
    const misspelt = problems(text('teachr'));
    assert.deepEqual(
      misspelt.map((p) => [p.path, p.replacements]),
      [['$.cells[2].teacher.fromCell', ['teacher', 'other']]],
    );
    const source = text('teacher');
    const [noRun, ...rest] = problems(source, tempDir());
    assert.deepEqual(rest, []);
    assert.equal(noRun?.severity, 'warning');
    assert.equal(source.slice(noRun.offset, noRun.offset + noRun.length), '"teacher"');
    assert.match(noRun.message, /cell "teacher" has no finished run yet: run it first/);
  });

  it('reports a loaded teacher whose classes do not fit a dataset whose shape is known (CIFAR-10)', () => {
    const dir = writeFiles({
      'teacher/model.json': {
        modelTopology: {
          class_name: 'Sequential',
          config: {
            name: 't',
            layers: [
              { class_name: 'Flatten', config: { name: 'f', batch_input_shape: [null, 32, 32, 3] } },
              { class_name: 'Dense', config: { name: 'out', units: 100 } },
            ],
          },
        },
        weightsManifest: [],
      },
    });
    fs.mkdirSync(path.join(dir, 'cifar'), { recursive: true });
    const found = problems(
      JSON.stringify({
        data: { dataset: 'cifar10', path: './cifar' },
        teacher: { load: './teacher/model.json' },
        student: { preset: 'mlp', hidden: [8] },
        distill: { losses: [{ type: 'kd', weight: 1 }] },
      }),
      undefined,
      dir,
    );
    assert.ok(
      found.some((p) => p.path === '$.teacher' && /outputs 100 classes but the data has 10/.test(p.message)),
      JSON.stringify(found),
    );
  });
  it("checks layer names on CSV and text data too, from the CSV's header and the text's length and vocabulary", () => {
    const dir = writeFiles({
      'train.csv': 'a,b,c,d,label\n1,2,3,4,x\n5,6,7,8,y\n',
      'reviews.csv': 'text,label\nhello world,pos\nbad day,neg\n',
    });
    const csv = (teacher: object, teacherLayer: string) =>
      JSON.stringify(
        {
          data: { dataset: 'csv', train: 'train.csv', labelColumn: 'label' },
          teacher,
          student: { preset: 'mlp', hidden: [8] },
          distill: {
            losses: [
              { type: 'ce', weight: 0.5 },
              { type: 'hint', weight: 1, teacherLayer, studentLayer: 'hidden_1' },
            ],
          },
        },
        null,
        2,
      );
    const mlp = { preset: 'mlp', hidden: [16] };
    const found = problems(csv(mlp, 'hiden_1'), undefined, dir);
    assert.deepEqual(
      found.map((p) => [p.path, p.message, p.replacements?.[0]]),
      [
        [
          '$.distill.losses[1].teacherLayer',
          'hint: teacher layer "hiden_1" not found (did you mean "hidden_1"?); the teacher\'s layers are hidden_1, logits',
          'hidden_1',
        ],
      ],
    );
    assert.deepEqual(problems(csv(mlp, 'hidden_1'), undefined, dir), []);
    // A layer list ending in a dense layer is the output layer only for one class count, which the labels tell: no guess.
    const endsDense = {
      layers: [
        { type: 'dense', units: 12, activation: 'relu' },
        { type: 'dense', units: 2 },
      ],
    };
    assert.deepEqual(problems(csv(endsDense, 'nope'), undefined, dir), []);
    // A CSV that cannot be read says nothing about layers (its own error says what is wrong).
    const missing = problems(csv(mlp, 'nope').replace('train.csv', 'gone.csv'), undefined, dir);
    assert.ok(!missing.some((p) => /layer "nope"/.test(p.message)), JSON.stringify(missing));

    const text = JSON.stringify(
      {
        data: { dataset: 'text', train: 'reviews.csv', maxLength: 16 },
        teacher: { preset: 'transformer', layers: 2, dModel: 16, heads: 2, ffn: 32 },
        student: { preset: 'bilstm', units: 8 },
        distill: {
          losses: [
            { type: 'ce', weight: 0.5 },
            { type: 'hint', weight: 1, teacherLayer: 'block9', studentLayer: 'bilstm' },
          ],
        },
      },
      null,
      2,
    );
    const textFound = problems(text, undefined, dir);
    assert.equal(textFound.length, 1, JSON.stringify(textFound));
    assert.equal(textFound[0]?.path, '$.distill.losses[1].teacherLayer');
    assert.match(
      textFound[0]?.message ?? '',
      /the teacher's layers are embedding, block_1_attention, block_1, block_2_attention, block_2, pool, logits$/,
    );
    assert.deepEqual(problems(text.replace('block9', 'block_2'), undefined, dir), []);
  });

  it('checks layer names on an image folder from its imageSize and channels', () => {
    const dir = writeFiles({ 'images/cat/.keep': '', 'images/dog/.keep': '' });
    const text = JSON.stringify(
      {
        data: { dataset: 'images', train: 'images', imageSize: [28, 28], channels: 1 },
        teacher: { preset: 'lenet5' },
        student: { preset: 'mlp', hidden: [16] },
        distill: { losses: [{ type: 'hint', weight: 1, teacherLayer: 'conv3', studentLayer: 'hidden_1' }] },
      },
      null,
      2,
    );
    const found = problems(text, undefined, dir);
    assert.deepEqual(
      found.map((p) => p.path),
      ['$.distill.losses[0].teacherLayer'],
    );
    assert.match(
      found[0]?.message ?? '',
      /the teacher's layers are conv1, pool1, conv2, pool2, flatten, fc1, fc2, logits$/,
    );
  });

  it('reads no data file outside the allowed folders (Restricted Mode)', () => {
    const data = writeFiles({ 'train.csv': 'a,b,label\n1,2,x\n' });
    const dir = tempDir();
    const file = path.join(dir, 'x.kd.json');
    const text = JSON.stringify({
      data: { dataset: 'csv', train: path.join(data, 'train.csv'), labelColumn: 'label' },
      teacher: { preset: 'mlp', hidden: [4] },
      student: { preset: 'mlp', hidden: [2] },
      distill: { losses: [{ type: 'hint', weight: 1, teacherLayer: 'nope', studentLayer: 'hidden_1' }] },
    });
    fs.writeFileSync(file, text);
    const found = analyseExperimentText(file, text, withExperimentChecks({ confineTo: [dir] })).problems;
    assert.ok(
      found.some((p) => p.path === '$.data.train'),
      JSON.stringify(found),
    );
    assert.ok(!found.some((p) => /layer "nope"/.test(p.message)), JSON.stringify(found));
  });
});
