import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ExperimentError, loadExperimentFile, validateExperimentText } from '../../../src/engine/config';
import type { Experiment } from '../../../src/engine/config/types';
import { baseExperiment, experimentFiles, problemsOf, ROOT, VALID, writeFiles } from './helpers';

function byCell(experiments: Experiment[], cell: string): Experiment {
  const found = experiments.find((e) => e.cell === cell);
  assert.ok(found, `no cell ${cell}`);
  return found;
}

describe('config: loading experiment files', () => {
  describe('valid files', () => {
    // The CIFAR and Fashion-MNIST examples name data folders a user downloads; they are validated and
    // run with generated data in test/unit/schemes/visionExamples.test.ts (the CIFAR-100 reproduction
    // by npm run test:reproduce).
    const external = /[\\/](cifar10|fashion-mnist)[\\/]|cifar100-[^\\/]*\.kd\.json$/;
    const examples = experimentFiles(path.join(ROOT, 'examples')).filter((f) => !external.test(f));
    for (const file of examples) {
      it(`examples/${path.relative(path.join(ROOT, 'examples'), file)} validates and loads`, async () => {
        const errors = problemsOf(file).filter((p) => p.severity === 'error');
        assert.deepStrictEqual(errors, []);
        const loaded = await loadExperimentFile(file);
        assert.ok(loaded.experiments.length >= 1);
      });
    }

    // Copied into a workspace of their own, a relative `$schema` points nowhere, and VS Code, which lets
    // `$schema` win over the extension's schema, then gives no hovers or completion on the file.
    it("examples carry no relative $schema, so the extension's schema applies wherever they are copied", () => {
      const all = experimentFiles(path.join(ROOT, 'examples'));
      assert.ok(all.length >= 20, all.join(', '));
      const relative = all.filter((file) => {
        // The files may hold comments: the key is looked for in the text.
        const schema = /"\$schema"\s*:\s*"([^"]*)"/.exec(fs.readFileSync(file, 'utf8'))?.[1];
        return schema !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(schema);
      });
      assert.deepStrictEqual(relative, []);
    });

    const fixtures = experimentFiles(VALID);
    it('has valid fixtures to check', () => assert.ok(fixtures.length >= 6, fixtures.join(', ')));
    for (const file of fixtures) {
      it(`fixture ${path.relative(VALID, file)} loads without any problem`, async () => {
        assert.deepStrictEqual(problemsOf(file), []);
        const loaded = await loadExperimentFile(file);
        assert.ok(loaded.experiments.length >= 1);
        for (const e of loaded.experiments) assert.strictEqual(e.sourceFile, file);
      });
    }
  });

  it('fills every default of a minimal file', async () => {
    const file = path.join(VALID, 'minimal.kd.json');
    const loaded = await loadExperimentFile(file);
    assert.deepStrictEqual(loaded, {
      path: file,
      name: 'minimal',
      notebook: false,
      experiments: [
        {
          name: 'minimal',
          sourceFile: file,
          seed: 0,
          backend: 'auto',
          data: {
            dataset: 'synthetic',
            validationSplit: 0.1,
            normalize: 'scale',
            shape: [8],
            classes: 3,
            trainSize: 60,
            testSize: 30,
          },
          student: { preset: 'mlp', hidden: [16] },
          distill: { scheme: 'offline', cacheTeacher: true, losses: [{ type: 'ce', weight: 1 }] },
          train: {
            epochs: 10,
            batchSize: 128,
            optimizer: { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 },
            schedule: { type: 'constant' },
          },
          baseline: false,
        },
      ],
    });
  });

  it('fills the defaults of each loss, optimizer and schedule type', async () => {
    const dir = writeFiles({
      'defaults.kd.json': baseExperiment({
        distill: {
          losses: [
            { type: 'kd', weight: 1 },
            { type: 'dkd', weight: 1 },
            { type: 'at', weight: 1, pairs: [{ teacherLayer: 'hidden_1', studentLayer: 'hidden_1' }] },
            { type: 'rkd', weight: 1 },
            { type: 'ce', weight: 1 },
          ],
        },
        train: { optimizer: { type: 'momentum' }, schedule: { type: 'step', stepSize: 3 } },
      }),
      'cosine.kd.json': baseExperiment({ train: { optimizer: { type: 'sgd' }, schedule: { type: 'cosine' } } }),
    });
    const [e] = (await loadExperimentFile(path.join(dir, 'defaults.kd.json'))).experiments;
    assert.deepStrictEqual(e.distill.losses, [
      { type: 'kd', weight: 1, temperature: 4, scaleByTemperatureSquared: true },
      { type: 'dkd', weight: 1, alpha: 1, beta: 8, temperature: 4, warmupEpochs: 5 },
      { type: 'at', weight: 1, p: 2, pairs: [{ teacherLayer: 'hidden_1', studentLayer: 'hidden_1' }] },
      { type: 'rkd', weight: 1, distanceWeight: 25, angleWeight: 50 },
      { type: 'ce', weight: 1, labelSmoothing: 0 },
    ]);
    assert.deepStrictEqual(e.train.optimizer, {
      type: 'momentum',
      lr: 0.01,
      momentum: 0.9,
      nesterov: false,
      weightDecay: 0,
    });
    assert.deepStrictEqual(e.train.schedule, { type: 'step', stepSize: 3, gamma: 0.1 });
    const [c] = (await loadExperimentFile(path.join(dir, 'cosine.kd.json'))).experiments;
    assert.deepStrictEqual(c.train.optimizer, { type: 'sgd', lr: 0.01, weightDecay: 0 });
    assert.deepStrictEqual(c.train.schedule, { type: 'cosine', minLr: 0 });
  });

  it('gives cells the top-level settings, deep-merged, and names them file.cell', async () => {
    const loaded = await loadExperimentFile(path.join(VALID, 'notebook.kd.json'));
    assert.strictEqual(loaded.notebook, true);
    assert.strictEqual(loaded.name, 'notebook');
    assert.deepStrictEqual(
      loaded.experiments.map((e) => e.name),
      ['notebook.teacher', 'notebook.kd-T4', 'notebook.dkd'],
    );
    assert.deepStrictEqual(
      loaded.experiments.map((e) => e.cell),
      ['teacher', 'kd-T4', 'dkd'],
    );
    for (const e of loaded.experiments) {
      assert.strictEqual(e.seed, 7);
      assert.deepStrictEqual(e.data, { dataset: 'mnist', validationSplit: 0.1, normalize: 'scale', trainLimit: 2000 });
      assert.strictEqual(e.train.epochs, 3);
    }
    const teacher = byCell(loaded.experiments, 'teacher');
    assert.strictEqual(teacher.teacher, undefined);
    assert.strictEqual(teacher.baseline, false);
    assert.deepStrictEqual(teacher.train.optimizer, { type: 'sgd', lr: 0.05, weightDecay: 0 });
    assert.strictEqual(teacher.train.batchSize, 128);

    const kd = byCell(loaded.experiments, 'kd-T4');
    assert.deepStrictEqual(kd.teacher, { fromCell: 'teacher' });
    // The cell's train merges into the top level's: its batch size, the file's epochs and optimizer.
    assert.deepStrictEqual(kd.train, {
      epochs: 3,
      batchSize: 64,
      optimizer: { type: 'sgd', lr: 0.05, weightDecay: 0 },
      schedule: { type: 'constant' },
    });
    assert.strictEqual(kd.baseline, true);

    // An optimizer of another type replaces the inherited one instead of mixing their fields.
    const dkd = byCell(loaded.experiments, 'dkd');
    assert.deepStrictEqual(dkd.train.optimizer, {
      type: 'adam',
      lr: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      weightDecay: 0,
    });
    assert.deepStrictEqual(dkd.train.schedule, { type: 'step', stepSize: 2, gamma: 0.1 });
  });

  it('follows extends: deep merge, arrays replaced, null removes, another kind replaces, name not inherited', async () => {
    const file = path.join(VALID, 'child.kd.json');
    const loaded = await loadExperimentFile(file);
    assert.strictEqual(loaded.name, 'child');
    const inherits = byCell(loaded.experiments, 'inherits');
    assert.strictEqual(inherits.name, 'child.inherits');
    assert.strictEqual(inherits.seed, 5);
    assert.deepStrictEqual(inherits.teacher, { preset: 'mlp', hidden: [8] });
    // hidden replaced (an array), dropout kept (a sibling field of the same preset).
    assert.deepStrictEqual(inherits.student, { preset: 'mlp', hidden: [6], dropout: 0.1 });
    assert.deepStrictEqual(inherits.distill.losses, [
      { type: 'ce', weight: 0.3, labelSmoothing: 0 },
      { type: 'kd', weight: 0.7, temperature: 2, scaleByTemperatureSquared: true },
    ]);
    assert.deepStrictEqual(inherits.train, {
      epochs: 4,
      batchSize: 2,
      optimizer: { type: 'sgd', lr: 0.2, weightDecay: 0 },
      schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
    });
    // The base's relative data path is relative to the base file's folder.
    assert.strictEqual((inherits.data as { train: string }).train, path.join(VALID, 'shared', 'data', 'tiny.csv'));

    assert.strictEqual(byCell(loaded.experiments, 'no-teacher').teacher, undefined);

    const lenet = byCell(loaded.experiments, 'lenet');
    assert.deepStrictEqual(lenet.data, { dataset: 'mnist', validationSplit: 0.1, normalize: 'scale' });
    assert.deepStrictEqual(lenet.student, { preset: 'lenet5', width: 0.5 });
    assert.strictEqual(lenet.train.optimizer.type, 'adam');
    assert.strictEqual(lenet.train.optimizer.lr, 0.001);
  });

  it('resolves every relative path against the file that declared it', async () => {
    const dir = writeFiles({
      'data/train-images': 'x',
      'data/train-labels': 'x',
      'base/models/teacher/model.json': '{}',
      'base/models/peer/model.json': '{}',
      'base/base.kd.json': {
        data: { dataset: 'idx', trainImages: '../data/train-images', trainLabels: '../data/train-labels' },
        teacher: { load: './models/teacher/model.json' },
        student: { preset: 'mlp', hidden: [4] },
        distill: { losses: [{ type: 'kd', weight: 1 }] },
      },
      'deep/child/test-images': 'x',
      'deep/child/test-labels': 'x',
      'deep/child/child.kd.json': {
        extends: '../../base/base.kd.json',
        // A refinement of the inherited idx data: its paths are relative to this file.
        data: { testImages: 'test-images', testLabels: './test-labels' },
        distill: { scheme: 'online', peers: [{ load: '../../base/models/peer/model.json' }] },
      },
    });
    const [e] = (await loadExperimentFile(path.join(dir, 'deep/child/child.kd.json'))).experiments;
    assert.deepStrictEqual(e.data, {
      dataset: 'idx',
      validationSplit: 0.1,
      normalize: 'scale',
      trainImages: path.join(dir, 'data/train-images'),
      trainLabels: path.join(dir, 'data/train-labels'),
      testImages: path.join(dir, 'deep/child/test-images'),
      testLabels: path.join(dir, 'deep/child/test-labels'),
    });
    assert.deepStrictEqual(e.teacher, { load: path.join(dir, 'base/models/teacher/model.json') });
    assert.deepStrictEqual(e.distill.peers, [{ load: path.join(dir, 'base/models/peer/model.json') }]);
    assert.strictEqual(e.name, 'child');
  });

  it("gives a model its own complete budget: the experiment's train refined by the model's", async () => {
    const [e] = (await loadExperimentFile(path.join(VALID, 'every-loss.kd.json'))).experiments;
    assert.deepStrictEqual(e.teacher?.train, {
      epochs: 2,
      batchSize: 16,
      maxStepsPerEpoch: 2,
      optimizer: { type: 'momentum', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0 },
      schedule: { type: 'cosine', minLr: 0.0001 },
    });
    assert.strictEqual(e.student.train, undefined);
    const schemes = await loadExperimentFile(path.join(VALID, 'schemes.kd.json'));
    const multi = byCell(schemes.experiments, 'two-teachers');
    assert.deepStrictEqual(
      multi.distill.teachers?.map((t) => t.train?.epochs),
      [undefined, 4],
    );
    assert.deepStrictEqual(multi.distill.teacherWeights, [0.3, 0.7]);
    const staged = byCell(schemes.experiments, 'staged');
    assert.deepStrictEqual(staged.distill.stages?.[1], {
      name: 'kd',
      epochs: 2,
      losses: [{ type: 'kd', weight: 1, temperature: 2, scaleByTemperatureSquared: true }],
    });
  });

  it('accepts comments and trailing commas', async () => {
    const dir = writeFiles({
      'c.kd.json':
        '{\n  // a comment\n  "data": { "dataset": "mnist", },\n  /* another */ "student": { "preset": "lenet5" },\n}\n',
    });
    const [e] = (await loadExperimentFile(path.join(dir, 'c.kd.json'))).experiments;
    assert.deepStrictEqual(e.student, { preset: 'lenet5' });
  });

  it('throws one ExperimentError holding every problem, formatted file:line:column  path  message', async () => {
    const dir = writeFiles({
      'bad.kd.json':
        '{\n  "data": { "dataset": "mnist" },\n  "student": { "preset": "mlp", "hidden": [4] },\n  "train": { "epochs": 0, "batchSize": -1 }\n}\n',
    });
    const file = path.join(dir, 'bad.kd.json');
    await assert.rejects(loadExperimentFile(file), (error: unknown) => {
      assert.ok(error instanceof ExperimentError);
      assert.strictEqual(error.problems.length, 2);
      assert.deepStrictEqual(error.message.split('\n'), [
        `${file}:4:14  $.train.epochs  must be ≥ 1 (got 0)`,
        `${file}:4:27  $.train.batchSize  must be ≥ 1 (got -1)`,
      ]);
      return true;
    });
  });

  it('reports a missing file as an ExperimentError', async () => {
    await assert.rejects(
      loadExperimentFile(path.join(ROOT, 'no-such.kd.json')),
      (error: unknown) => error instanceof ExperimentError && /file not found/.test(error.message),
    );
  });

  it('validates unsaved text, not what is on disk', () => {
    const dir = writeFiles({ 'e.kd.json': baseExperiment() });
    const file = path.join(dir, 'e.kd.json');
    assert.deepStrictEqual(problemsOf(file), []);
    const edited = fs.readFileSync(file, 'utf8').replace('"classes": 2', '"classes": 1');
    const problems = validateExperimentText(edited, file);
    assert.deepStrictEqual(
      problems.map((p) => [p.path, p.message]),
      [['$.data.classes', 'must be ≥ 2 (got 1)']],
    );
  });

  it('loads when there are only warnings, and reports them to editors', async () => {
    const dir = writeFiles({ 'w.kd.json': baseExperiment({ distill: { losses: [{ type: 'ce', weight: 1 }] } }) });
    const file = path.join(dir, 'w.kd.json');
    const problems = problemsOf(file);
    const teacherLine =
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"teacher"')) + 1;
    assert.deepStrictEqual(
      problems.map((p) => [p.severity, p.path, p.line, p.column]),
      [['warning', '$.teacher', teacherLine, 3]],
    );
    assert.match(problems[0].message, /no loss term uses the teacher/);
    const loaded = await loadExperimentFile(file);
    assert.strictEqual(loaded.experiments.length, 1);
  });
});
