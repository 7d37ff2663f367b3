import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseJsonc } from 'jsonc-parser';
import { applyBudget, describeBudget, QUICK, type JsonObject } from '../../../scripts/reproduce/budget';
import { curvesTable, meanCurve, rowCurves } from '../../../scripts/reproduce/curves';
import { quickRows, RECIPES } from '../../../scripts/reproduce/recipes';
import { replaceSection } from '../../../scripts/reproduce/resultsFile';
import { formatGain, groupFor, markdownTable, measureRows, type CellResult } from '../../../scripts/reproduce/table';
import { tempDir } from '../engine/fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('reproduce: budgets', () => {
  const example: JsonObject = {
    data: { dataset: 'mnist', trainLimit: 300 },
    train: { epochs: 40 },
    cells: [
      { name: 'teacher', train: { epochs: 5 } },
      { name: 'kd', data: { dataset: 'cifar100', path: './x' }, sweep: { seeds: [1, 2, 3] } },
      { name: 'r', sweep: { repeats: 5 } },
    ],
  };

  it('caps epochs, data and seeds on the file and on every cell, never raising a smaller value', () => {
    const quick = applyBudget(example, { ...QUICK, dataPath: '/tmp/data' });
    assert.deepStrictEqual(quick.data, { dataset: 'mnist', trainLimit: 300, testLimit: 256 });
    assert.deepStrictEqual(quick.train, { epochs: 1, maxStepsPerEpoch: 4 });
    const [teacher, kd, r] = quick.cells as JsonObject[];
    assert.deepStrictEqual(teacher.train, { epochs: 1, maxStepsPerEpoch: 4 });
    assert.deepStrictEqual(kd.data, { dataset: 'cifar100', path: '/tmp/data', trainLimit: 512, testLimit: 256 });
    assert.strictEqual(kd.train, undefined, 'a cell without its own train inherits the capped one');
    assert.deepStrictEqual(kd.sweep, { seeds: [1, 2] });
    assert.deepStrictEqual(r.sweep, { repeats: 2 });
    assert.deepStrictEqual(
      (example.cells as JsonObject[])[1].sweep,
      { seeds: [1, 2, 3] },
      'the example is not changed',
    );
  });

  it('says which budget a table was measured with', () => {
    assert.strictEqual(describeBudget({}), "the example's own budget");
    assert.strictEqual(describeBudget({ epochs: 1, seeds: 2 }), 'at most 1 epoch, 2 seeds');
    assert.strictEqual(
      describeBudget({ epochs: 6, teacherEpochs: 12, methods: ['kd', 'at'] }),
      'at most 6 epochs, at most 12 for the teacher cell, methods kd, at only',
    );
  });

  it('gives the teacher cell its own epochs, inherited from the file where the cell sets none', () => {
    const budgeted = applyBudget(example, { epochs: 3, teacherEpochs: 4 });
    const [teacher, kd] = budgeted.cells as JsonObject[];
    assert.deepStrictEqual(teacher.train, { epochs: 4 });
    assert.strictEqual(kd.train, undefined);
    assert.deepStrictEqual(budgeted.train, { epochs: 3 });
    const inherits = applyBudget(
      { train: { epochs: 40 }, cells: [{ name: 'teacher' }] },
      { epochs: 3, teacherEpochs: 12 },
    );
    assert.deepStrictEqual((inherits.cells as JsonObject[])[0].train, { epochs: 12 });
    const shorter = applyBudget({ train: { epochs: 5 }, cells: [{ name: 'teacher' }] }, { teacherEpochs: 12 });
    assert.deepStrictEqual((shorter.cells as JsonObject[])[0].train, { epochs: 5 }, 'never raised');
  });

  it('keeps only the loss lists of the chosen methods, and refuses a choice that keeps none', () => {
    const grid = {
      cells: [
        {
          name: 'methods',
          sweep: {
            grid: {
              'distill.losses': [
                [{ type: 'ce' }, { type: 'kd' }],
                [{ type: 'ce' }, { type: 'at' }],
                [{ type: 'ce' }, { type: 'crd' }],
              ],
            },
          },
        },
      ],
    } as JsonObject;
    const kept = applyBudget(grid, { methods: ['kd', 'crd'] });
    const sweep = (kept.cells as JsonObject[])[0].sweep as { grid: { 'distill.losses': { type: string }[][] } };
    assert.deepStrictEqual(
      sweep.grid['distill.losses'].map((l) => l[1].type),
      ['kd', 'crd'],
    );
    assert.throws(() => applyBudget(grid, { methods: ['nope'] }), /--methods nope: none of the example's loss lists/);
  });
});

describe('reproduce: examples', () => {
  for (const recipe of RECIPES) {
    it(`${recipe.name}: the example parses, and every cell a row reads exists in order`, () => {
      const text = fs.readFileSync(path.join(ROOT, recipe.file), 'utf8');
      const example = parseJsonc(text) as { cells: { name: string }[] };
      const names = example.cells.map((c) => c.name);
      for (const cell of [...recipe.cells, ...(recipe.quickCells ?? [])]) assert.ok(names.includes(cell), cell);
      for (const row of [...recipe.rows, ...quickRows(recipe)])
        assert.ok(recipe.cells.concat(recipe.quickCells ?? []).includes(row.cell));
      const order = recipe.cells.map((c) => names.indexOf(c));
      assert.deepStrictEqual(
        order,
        [...order].sort((a, b) => a - b),
        'cells run in file order',
      );
    });
  }
});

describe('reproduce: tables', () => {
  const recipe = RECIPES.find((r) => r.name === 'hinton-mnist')!;
  const stats = (mean: number, std: number, n = 3) => ({ n, mean, std, min: mean - std, max: mean + std });
  const cells = new Map<string, CellResult>([
    [
      'teacher',
      {
        testSize: 10_000,
        groups: [
          {
            params: {},
            n: 1,
            runDirs: ['t'],
            metrics: { 'student.last.test': stats(0.99, 0, 1), 'student.best.test': stats(0.9925, 0, 1) },
          },
        ],
      },
    ],
    [
      'student-800',
      {
        testSize: 10_000,
        groups: [
          {
            params: {},
            n: 3,
            runDirs: ['a', 'b', 'c'],
            metrics: {
              'student.last.test': stats(0.985, 0.001),
              'student.best.test': stats(0.986, 0.0005),
              'baseline.last.test': stats(0.98, 0.002),
              'baseline.best.test': stats(0.981, 0.001),
              kdGain: { ...stats(0.005, 0.001), ci95: [0.0025, 0.0075], excludesZero: true },
            },
          },
        ],
      },
    ],
  ]);

  it('turns accuracies into test errors by hand: (1 − accuracy) × test size, std scaled alike', () => {
    const rows = measureRows(recipe, recipe.rows, cells);
    assert.strictEqual(rows[0].last!.mean.toFixed(6), '100.000000'); // (1 − 0.99) · 10,000
    assert.strictEqual(rows[0].best!.mean.toFixed(6), '75.000000');
    assert.strictEqual(rows[1].best!.mean.toFixed(6), '190.000000');
    assert.strictEqual(rows[1].best!.std.toFixed(6), '10.000000');
    assert.strictEqual(rows[2].best!.mean.toFixed(6), '140.000000');
    assert.strictEqual(rows[2].kdGain!.mean, 0.005);
    assert.strictEqual(rows[1].kdGain, undefined, 'the baseline row has no gain');
    assert.match(rows[3].missing!, /student-30/);
  });

  it('prints the published figure next to the measured ones, with the paired gain and its interval', () => {
    const table = markdownTable(recipe, measureRows(recipe, recipe.rows, cells));
    assert.match(table, /\| student 800-800 alone \| 146 \| 200 ± 20 \| 190 ± 10 \| \+44 \| 3 \|/);
    assert.match(
      table,
      /\| student 800-800 distilled, T = 20 \| 74 \| 150 ± 10 \| 140 ± 5 \| \+66 \| 3 \| \+0\.50 ± 0\.10 pts \(95% CI 0\.25–0\.75, n = 3\) \* \|/,
    );
    assert.match(table, /\| student 30-30 alone \| — \| cell "student-30" was not run/);
    assert.strictEqual(formatGain(undefined), '');
  });

  it('compares test errors with the published count only on the full 10,000 test digits', () => {
    const sliced = new Map([...cells].map(([k, v]) => [k, { ...v, testSize: 2000 }]));
    const table = markdownTable(recipe, measureRows(recipe, recipe.rows, sliced));
    assert.match(table, /\| student 800-800 alone \| 146 \| 40 ± 4 \| 38 ± 2 \| — \(2000 test\) \| 3 \|/);
  });

  it('finds the group of a method in a sweep over loss lists', () => {
    const fashion = RECIPES.find((r) => r.name === 'fashion-methods')!;
    const group = (type: string, acc: number) => ({
      params: { 'distill.losses': [{ type: 'ce' }, { type }] },
      n: 2,
      runDirs: ['x'],
      metrics: { 'student.last.test': stats(acc, 0, 2), 'student.best.test': stats(acc, 0, 2) },
    });
    const rows = measureRows(
      fashion,
      fashion.rows,
      new Map([['methods', { testSize: 10_000, groups: [group('kd', 0.9), group('at', 0.8)] }]]),
    );
    assert.strictEqual(rows.find((r) => r.label === 'at')!.best!.mean.toFixed(6), '80.000000');
    assert.strictEqual(rows.find((r) => r.label === 'kd')!.best!.mean.toFixed(6), '90.000000');
    assert.match(rows.find((r) => r.label === 'crd')!.missing!, /for crd/);
  });
});

describe('reproduce: curves and the results file', () => {
  it("averages each model's validation accuracy per epoch over its seeds, from the runs' event logs", () => {
    const dir = tempDir();
    const epoch = (stage: string, e: number, valAcc: number | null) =>
      JSON.stringify({ type: 'epoch', stage, epoch: e, epochs: 2, valAcc });
    const runs = ['a', 'b'].map((name, i) => {
      const runDir = path.join(dir, name);
      fs.mkdirSync(runDir);
      const lines = [
        JSON.stringify({ type: 'run-start' }),
        epoch('student', 1, 0.5 + i * 0.1),
        epoch('baseline', 1, 0.4),
        epoch('student', 2, 0.7 + i * 0.1),
        'not json "epoch"',
        epoch('baseline', 2, i === 0 ? 0.6 : null),
      ];
      fs.writeFileSync(path.join(runDir, 'events.jsonl'), lines.join('\n'));
      return runDir;
    });
    const recipe = RECIPES.find((r) => r.name === 'keras-mnist')!;
    const stats = { n: 2, mean: 0.9, std: 0, min: 0.9, max: 0.9 };
    const cells = new Map<string, CellResult>([
      [
        'distilled',
        {
          testSize: 10_000,
          groups: [{ params: {}, n: 2, runDirs: runs, metrics: { 'student.best.test': stats } }],
        },
      ],
    ]);
    const curves = rowCurves(recipe.rows, cells, groupFor);
    assert.deepStrictEqual(
      curves.map((c) => [c.label, c.valAcc.map((v) => (v === null ? null : Number(v.toFixed(6))))]),
      [
        ['student from scratch', [0.4, 0.6]],
        ['student distilled, T = 10', [0.55, 0.75]],
      ],
    );
    assert.deepStrictEqual(meanCurve([[0.5], [undefined, 0.2]]), [0.5, 0.2]);
    const table = curvesTable(curves);
    assert.match(table, /\| validation accuracy % by epoch \| 1 \| 2 \|/);
    assert.match(table, /\| student distilled, T = 10 \| 55\.00 \| 75\.00 \|/);
    assert.strictEqual(curvesTable([]), '');
  });

  it("replaces a reproduction's own section of the results file and keeps the others", () => {
    const first = replaceSection('', 'keras-mnist', '## keras-mnist\n\nold\n');
    assert.match(first, /^# Reproductions: measured results\n/);
    const both = replaceSection(first, 'hinton-mnist', '## hinton-mnist\n\nhinton\n');
    const updated = replaceSection(both, 'keras-mnist', '## keras-mnist\n\nnew\n');
    assert.ok(updated.indexOf('new') < updated.indexOf('hinton'), 'the section stays where it was');
    assert.doesNotMatch(updated, /old/);
    assert.match(updated, /## hinton-mnist\n\nhinton\n$/);
    assert.strictEqual(replaceSection(updated, 'hinton-mnist', '## hinton-mnist\n\nhinton\n'), updated);
  });
});
