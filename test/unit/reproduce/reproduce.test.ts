import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseJsonc } from 'jsonc-parser';
import { applyBudget, describeBudget, QUICK, type JsonObject } from '../../../scripts/reproduce/budget';
import { quickRows, RECIPES } from '../../../scripts/reproduce/recipes';
import { formatGain, markdownTable, measureRows, type CellResult } from '../../../scripts/reproduce/table';

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
    assert.match(table, /\| student 800-800 alone \| 146 \| 200 ± 20 \| 190 ± 10 \| 3 \|/);
    assert.match(
      table,
      /\| student 800-800 distilled, T = 20 \| 74 \| 150 ± 10 \| 140 ± 5 \| 3 \| \+0\.50 ± 0\.10 pts \(95% CI 0\.25–0\.75, n = 3\) \* \|/,
    );
    assert.match(table, /\| student 30-30 alone \| — \| cell "student-30" was not run/);
    assert.strictEqual(formatGain(undefined), '');
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
