import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadExperimentFile, validateExperimentText } from '../../../src/engine/config';
import { freeStem, prettyJson, templateText, TEMPLATES } from '../../../src/extension/templates';

describe('experiment templates', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-templates-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const template of TEMPLATES) {
    it(`"${template.label}" is a valid experiment file`, async () => {
      const file = path.join(dir, `${template.stem}.kd.json`);
      const text = templateText(template, template.stem);
      assert.deepEqual(validateExperimentText(text, file), []);
      fs.writeFileSync(file, text);
      const loaded = await loadExperimentFile(file);
      assert.equal(loaded.name, template.stem);
      assert.ok(loaded.experiments.length >= 1);
    });
  }

  it('offers the MNIST notebook with a teacher cell and a distilled cell, and a single synthetic experiment', async () => {
    const mnist = TEMPLATES.find((t) => t.id === 'mnist-hinton');
    const synthetic = TEMPLATES.find((t) => t.id === 'synthetic');
    assert.ok(mnist && synthetic);
    const file = path.join(dir, 'nb.kd.json');
    fs.writeFileSync(file, templateText(mnist, 'nb'));
    const loaded = await loadExperimentFile(file);
    assert.ok(loaded.notebook);
    assert.deepEqual(
      loaded.experiments.map((e) => e.cell),
      ['teacher', 'kd-T4'],
    );
    const kd = loaded.experiments[1];
    assert.deepEqual(
      kd.distill.losses.map((l) => [l.type, l.weight]),
      [
        ['ce', 0.1],
        ['kd', 0.9],
      ],
    );
    assert.equal(kd.baseline, true);
    fs.writeFileSync(file, templateText(synthetic, 'nb'));
    const single = await loadExperimentFile(file);
    assert.ok(!single.notebook);
    assert.equal(single.experiments[0].data.dataset, 'synthetic');
  });

  it('picks a file name that is free', () => {
    const taken = new Set(['synthetic', 'synthetic-2']);
    assert.equal(
      freeStem('synthetic', (s) => taken.has(s)),
      'synthetic-3',
    );
    assert.equal(
      freeStem('mnist', (s) => taken.has(s)),
      'mnist',
    );
  });

  it('writes JSON as people do: short values on one line, long ones broken up', () => {
    const value = {
      name: 'x',
      shape: [16, 16, 1],
      nested: { a: 1, b: [1, 2] },
      list: [
        { type: 'ce', weight: 0.5 },
        { type: 'kd', weight: 0.5, temperature: 4 },
      ],
    };
    assert.equal(
      prettyJson(value, 200),
      '{ "name": "x", "shape": [16, 16, 1], "nested": { "a": 1, "b": [1, 2] }, "list": [{ "type": "ce", "weight": 0.5 }, { "type": "kd", "weight": 0.5, "temperature": 4 }] }',
    );
    const narrow = prettyJson(value, 60);
    assert.deepEqual(JSON.parse(narrow), value);
    assert.equal(
      narrow,
      [
        '{',
        '  "name": "x",',
        '  "shape": [16, 16, 1],',
        '  "nested": { "a": 1, "b": [1, 2] },',
        '  "list": [',
        '    { "type": "ce", "weight": 0.5 },',
        '    { "type": "kd", "weight": 0.5, "temperature": 4 }',
        '  ]',
        '}',
      ].join('\n'),
    );
    assert.equal(prettyJson({}), '{}');
    assert.equal(prettyJson([]), '[]');
  });
});
