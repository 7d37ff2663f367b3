// Hostile and mistaken experiment files: each gets a clear problem at a position, never a crash,
// a hang or a read of something that is not a regular file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { validateExperimentFile, validateExperimentText, type Problem } from '../../../src/engine/config';
import { pathInside, safeName } from '../../../src/engine/store/runStore';
import { estimateModel } from '../../../src/engine/config/memoryEstimate';
import { tempDir, writeFiles } from '../config/helpers';

const STUDENT = { data: { dataset: 'mnist' }, student: { preset: 'mlp', hidden: [8] } };

function errors(problems: Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

function only(problems: Problem[], pattern: RegExp): Problem {
  const found = errors(problems);
  assert.strictEqual(found.length, 1, JSON.stringify(found, null, 2));
  assert.match(found[0].message, pattern);
  return found[0];
}

describe('inputs: experiment files that must not crash or block', () => {
  it('refuses extends to a device, a FIFO and a folder at the position of extends', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'pipe.kd.json')]);
    fs.mkdirSync(path.join(dir, 'folder.kd.json'));
    const cases: [string, RegExp][] = [
      ['/dev/zero', /extended file \/dev\/zero: expected a regular file, found a device/],
      ['./pipe.kd.json', /pipe\.kd\.json: expected a regular file, found a FIFO/],
      ['./folder.kd.json', /folder\.kd\.json: expected a regular file, found a folder/],
    ];
    for (const [target, pattern] of cases) {
      const file = path.join(dir, 'x.kd.json');
      fs.writeFileSync(file, `{\n  "extends": ${JSON.stringify(target)}\n}\n`);
      const problem = only(validateExperimentFile(file), pattern);
      assert.deepStrictEqual([problem.path, problem.line, problem.column], ['$.extends', 2, 3]);
    }
  });

  it('refuses a 50 MB experiment file or extended file without parsing it', () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.kd.json');
    fs.writeFileSync(big, `{"name":"x","pad":"${'a'.repeat(50 * 1024 * 1024)}"}`);
    only(validateExperimentFile(big), /the file is too large \(50\.0 MB; the limit is 5\.0 MB\)/);
    const child = path.join(dir, 'child.kd.json');
    fs.writeFileSync(child, '{ "extends": "./big.kd.json" }');
    only(validateExperimentFile(child), /extended file .*big\.kd\.json: the file is too large/);
  });

  it('reports a missing file, a path too long and a folder as the file itself', () => {
    const dir = tempDir();
    only(validateExperimentFile(path.join(dir, 'missing.kd.json')), /^file not found$/);
    only(validateExperimentFile(path.join(dir, `${'n'.repeat(300)}.kd.json`)), /path is too long/);
    only(validateExperimentFile(dir), /expected a regular file, found a folder/);
  });

  it('accepts a UTF-8 byte order mark', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bom.kd.json');
    fs.writeFileSync(file, '\uFEFF' + JSON.stringify(STUDENT));
    assert.deepStrictEqual(errors(validateExperimentFile(file)), []);
    fs.writeFileSync(path.join(dir, 'child.kd.json'), '{ "extends": "./bom.kd.json" }');
    assert.deepStrictEqual(errors(validateExperimentFile(path.join(dir, 'child.kd.json'))), []);
  });

  it('reports deep nesting at a position instead of exhausting the stack', () => {
    const text = `{"data": ${'['.repeat(100000)}${']'.repeat(100000)}}`;
    const problem = only(validateExperimentText(text, '/tmp/deep.kd.json'), /nested more than 64 levels deep/);
    assert.strictEqual(problem.line, 1);
    // The object is level 1, so the 64th bracket opens level 65.
    assert.strictEqual(problem.column, 10 + 63);
  });

  it('refuses names that are ".", ".." or hold a separator, in the schema and in the run store', () => {
    for (const name of ['.', '..', 'a/b', 'a\\b']) {
      const problem = only(
        validateExperimentText(JSON.stringify({ name, ...STUDENT }), '/tmp/n.kd.json'),
        /must not (be "\." or "\.\."|contain spaces or slashes)/,
      );
      assert.strictEqual(problem.path, '$.name');
      const cell = only(
        validateExperimentText(JSON.stringify({ ...STUDENT, cells: [{ name }] }), '/tmp/n.kd.json'),
        /must not/,
      );
      assert.strictEqual(cell.path, '$.cells[0].name');
    }
    assert.strictEqual(safeName('..'), '__');
    assert.strictEqual(safeName('.'), '_');
    const runs = tempDir();
    assert.strictEqual(pathInside(runs, safeName('..'), 'id'), path.join(runs, '__', 'id'));
    assert.throws(() => pathInside(runs, '..', 'id'), /outside the runs folder/);
    assert.throws(() => pathInside(runs, '.'), /outside the runs folder/);
  });
});

describe('inputs: bounds at the JSON position', () => {
  const cases: [string, object, string, RegExp][] = [
    ['epochs 1e12', { ...STUDENT, train: { epochs: 1e12 } }, '$.train.epochs', /must be ≤ 100000/],
    ['batch size', { ...STUDENT, train: { batchSize: 1e7 } }, '$.train.batchSize', /must be ≤ 65536/],
    ['steps', { ...STUDENT, train: { maxStepsPerEpoch: 1e9 } }, '$.train.maxStepsPerEpoch', /≤ 10000000/],
    [
      'classes 1e7',
      {
        data: { dataset: 'synthetic', shape: [4], classes: 1e7, trainSize: 10, testSize: 10 },
        student: STUDENT.student,
      },
      '$.data.classes',
      /must be ≤ 100000/,
    ],
    [
      'dataset size',
      {
        data: { dataset: 'synthetic', shape: [4], classes: 2, trainSize: 1e9, testSize: 10 },
        student: STUDENT.student,
      },
      '$.data.trainSize',
      /≤ 10000000/,
    ],
    [
      'layer width',
      { ...STUDENT, student: { layers: [{ type: 'dense', units: 1e6 }] } },
      '$.student.layers[0].units',
      /≤ 65536/,
    ],
    ['hidden width', { ...STUDENT, student: { preset: 'mlp', hidden: [1e6] } }, '$.student.hidden[0]', /≤ 65536/],
  ];
  for (const [what, experiment, at, pattern] of cases) {
    it(`${what}: ${at}`, () => {
      const problem = only(validateExperimentText(JSON.stringify(experiment), '/tmp/b.kd.json'), pattern);
      assert.strictEqual(problem.path, at);
    });
  }

  it('estimates parameters as the builders make them (checked by hand)', () => {
    // 784·8 + 8 + 8·10 + 10 = 6370 parameters; activations 8 + 10.
    assert.deepStrictEqual(estimateModel({ preset: 'mlp', hidden: [8] }, [28, 28, 1], 10), {
      params: 6370,
      activations: 18,
    });
    // conv 3×3×1×4 + 4 = 40 → [26, 26, 4]; maxPool 2 → [13, 13, 4]; dense 676·10 + 10 = 6770.
    const conv = estimateModel(
      {
        layers: [
          { type: 'conv2d', filters: 4, kernelSize: 3 },
          { type: 'maxPool', poolSize: 2 },
        ],
      },
      [28, 28, 1],
      10,
    );
    assert.deepStrictEqual(conv, { params: 40 + 6770, activations: 26 * 26 * 4 + 13 * 13 * 4 + 10 });
  });

  it('refuses a [20000, 20000] student over the memory limit at its position, and a raised limit lets it pass', () => {
    const big = { data: { dataset: 'mnist' }, student: { preset: 'mlp', hidden: [20000, 20000] } };
    const problem = only(
      validateExperimentText(JSON.stringify(big), '/tmp/m.kd.json'),
      /would need about 6\.\d GB of memory, over the limit of 4 GB .*student \(415\.9M parameters/,
    );
    assert.strictEqual(problem.path, '$.student');
    const raised = { ...big, limits: { memoryGB: 16 } };
    assert.deepStrictEqual(errors(validateExperimentText(JSON.stringify(raised), '/tmp/m.kd.json')), []);
    assert.deepStrictEqual(
      errors(validateExperimentText(JSON.stringify(big), '/tmp/m.kd.json', { memoryLimitGB: 16 })),
      [],
    );
  });
});

describe('inputs: what is read, from where', () => {
  it("reports a manifest weight path outside the model's folder at the position of load", () => {
    const dir = writeFiles({
      'teacher/model.json': { modelTopology: {}, weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] },
      'ok/model.json': { modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] },
    });
    const file = path.join(dir, 'x.kd.json');
    fs.writeFileSync(file, JSON.stringify({ ...STUDENT, teacher: { load: './teacher/model.json' } }, null, 2));
    const problem = only(
      validateExperimentFile(file),
      /weight file "\.\.\/\.\.\/etc\/passwd" .* is outside the model's folder/,
    );
    assert.strictEqual(problem.path, '$.teacher.load');
    fs.writeFileSync(file, JSON.stringify({ ...STUDENT, teacher: { load: './ok/model.json' } }, null, 2));
    assert.deepStrictEqual(errors(validateExperimentFile(file)), []);
  });

  it('in Restricted Mode reads nothing outside the workspace: extends, data files and models', () => {
    const outside = writeFiles({ 'base.kd.json': STUDENT, 'model.json': { modelTopology: {} }, 'train.csv': '1,0\n' });
    const workspace = writeFiles({
      'a.kd.json': { extends: path.join(outside, 'base.kd.json') },
      'b.kd.json': {
        data: { dataset: 'csv', train: path.join(outside, 'train.csv'), labelColumn: 1 },
        student: { preset: 'mlp', hidden: [4] },
        teacher: { load: path.join(outside, 'model.json') },
      },
    });
    const confineTo = [workspace];
    const a = only(
      validateExperimentFile(path.join(workspace, 'a.kd.json'), { confineTo }),
      /outside the workspace: not read in Restricted Mode/,
    );
    assert.strictEqual(a.path, '$.extends');
    const b = errors(validateExperimentFile(path.join(workspace, 'b.kd.json'), { confineTo }));
    assert.deepStrictEqual(b.map((p) => p.path).sort(), ['$.data.train', '$.teacher.load']);
    // Trusted (no confinement): the same files are read.
    assert.deepStrictEqual(errors(validateExperimentFile(path.join(workspace, 'a.kd.json'))), []);
  });
});
