import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadDataset } from '../../../src/engine/data';
import type { CsvData } from '../../../src/engine/config/types';
import { ids, row, tempDir } from './helpers';

function csv(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function config(train: string, labelColumn: string | number, extra: Partial<CsvData> = {}): CsvData {
  return { dataset: 'csv', train, labelColumn, validationSplit: 0, normalize: 'scale', ...extra };
}

describe('csv datasets', () => {
  it('reads a header row, numeric features and string labels numbered in sorted order', async () => {
    const dir = tempDir();
    csv(
      dir,
      'iris.csv',
      'sepal,species,petal\n5.1,setosa,1.4\n6.3,virginica,-6e-1\n5.8,"versicolor",4.1\n4.9,setosa,.5\n',
    );
    csv(dir, 'iris-test.csv', 'sepal,species,petal\n7.0,versicolor,4.7\n');
    const data = await loadDataset(config('iris.csv', 'species', { test: 'iris-test.csv' }), { baseDir: dir, seed: 1 });
    assert.deepStrictEqual(data.inputShape, [2]);
    assert.deepStrictEqual(data.classNames, ['setosa', 'versicolor', 'virginica']);
    assert.strictEqual(data.classes, 3);
    assert.deepStrictEqual(ids(data.train), [0, 2, 1, 0]);
    // 'scale' leaves CSV values as they are.
    const f = Math.fround;
    assert.deepStrictEqual(
      [0, 1, 2, 3].map((i) => row(data.train, i)),
      [
        [f(5.1), f(1.4)],
        [f(6.3), f(-0.6)],
        [f(5.8), f(4.1)],
        [f(4.9), f(0.5)],
      ],
    );
    assert.deepStrictEqual(row(data.test, 0), [7, f(4.7)]);
    assert.deepStrictEqual(ids(data.test), [1]);
    assert.strictEqual(data.name, 'iris.csv');
  });

  it('reads a file without a header, integer labels by column index', async () => {
    const dir = tempDir();
    const file = csv(dir, 'plain.csv', '3,0.5,1\n0,0.25,2\n\n1,1,3\n');
    csv(dir, 'plain-test.csv', '4,9,9\n');
    const data = await loadDataset(config(file, 0, { test: path.join(dir, 'plain-test.csv') }), {
      baseDir: '/',
      seed: 1,
    });
    assert.deepStrictEqual(data.classNames, ['0', '1', '2', '3', '4']);
    assert.deepStrictEqual(ids(data.train), [3, 0, 1]);
    assert.deepStrictEqual(row(data.train, 1), [0.25, 2]);
    assert.deepStrictEqual(ids(data.test), [4]);
  });

  it('recognises a header by a non-numeric feature cell when the label column is an index', async () => {
    const dir = tempDir();
    csv(dir, 'h-test.csv', 'x,y,label\n5,6,1\n');
    const data = await loadDataset(config(csv(dir, 'h.csv', 'x,y,label\n1,2,0\n3,4,1\n'), 2, { test: 'h-test.csv' }), {
      baseDir: dir,
      seed: 1,
    });
    assert.strictEqual(data.train.count, 2);
    assert.deepStrictEqual(row(data.train, 1), [3, 4]);
    assert.deepStrictEqual(row(data.test, 0), [5, 6]);
  });

  it('handles quoted fields holding commas, quotes and spaces', async () => {
    const dir = tempDir();
    const file = csv(dir, 'q.csv', 'a,name\n1,"Smith, J."\n2,"say ""hi"""\n3, "Smith, J." \n');
    const data = await loadDataset(config(file, 'name', { test: 'q.csv' }), { baseDir: dir, seed: 1 });
    assert.deepStrictEqual(data.classNames, ['Smith, J.', 'say "hi"']);
    assert.deepStrictEqual(ids(data.train), [0, 1, 0]);
  });

  it('standardizes CSV features with training statistics', async () => {
    const dir = tempDir();
    csv(dir, 't.csv', 'a,b,c\n5,12,y\n');
    const data = await loadDataset(
      config(csv(dir, 's.csv', 'a,b,c\n0,10,x\n2,10,y\n4,10,x\n'), 'c', { normalize: 'standardize', test: 't.csv' }),
      { baseDir: dir, seed: 1 },
    );
    // Feature a: mean 2, population std √(8/3); feature b is constant.
    const s = Math.sqrt(8 / 3);
    assert.deepStrictEqual(
      [0, 1, 2].map((i) => row(data.train, i)),
      [
        [Math.fround(-2 / s), 0],
        [0, 0],
        [Math.fround(2 / s), 0],
      ],
    );
    assert.deepStrictEqual(row(data.test, 0), [Math.fround(3 / s), 2]);
  });

  it('carves a test split when no test file is given', async () => {
    const dir = tempDir();
    const lines = ['v,label', ...Array.from({ length: 30 }, (_, i) => `${i},${i % 3}`)];
    const data = await loadDataset(
      config(csv(dir, 'n.csv', lines.join('\n')), 'label', { testSplit: 0.1, validationSplit: 0.1 }),
      { baseDir: dir, seed: 1 },
    );
    assert.strictEqual(data.test.count, 3);
    assert.strictEqual(data.validation.count, 3);
    assert.strictEqual(data.train.count, 24);
    const values = [data.train, data.validation, data.test].flatMap((s) => Array.from(s.x)).sort((a, b) => a - b);
    assert.deepStrictEqual(
      values,
      Array.from({ length: 30 }, (_, i) => i),
    );
  });

  it('never quotes the contents of a file that is not a dataset in its errors', async () => {
    const dir = tempDir();
    const secret = 'root:x:0:0:root:/root:/bin/bash';
    const passwd = csv(dir, 'passwd', `${secret}\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n`);
    for (const label of ['label', 0] as const) {
      await assert.rejects(loadDataset(config(passwd, label), { baseDir: dir, seed: 1 }), (e: Error) => {
        assert.ok(e.message.startsWith(passwd), e.message);
        assert.ok(!/root|daemon|bash|nologin/.test(e.message.slice(passwd.length)), e.message);
        return true;
      });
    }
    const commas = csv(dir, 'commas', `${secret.replace(/:/g, ',')}\nx,y,z,1,2,3,4\n`);
    await assert.rejects(loadDataset(config(commas, 'label'), { baseDir: dir, seed: 1 }), (e: Error) => {
      assert.ok(!/root|bash/.test(e.message.slice(commas.length)), e.message);
      return true;
    });
  });

  it('refuses a label that would make billions of classes before allocating them', async () => {
    const dir = tempDir();
    const file = csv(dir, 'huge.csv', '1,2,0\n3,4,2000000000\n');
    await assert.rejects(loadDataset(config(file, 2), { baseDir: dir, seed: 1 }), (e: Error) =>
      e.message.startsWith(`${file}: label 2000000000 is out of range`),
    );
  });

  it('names the file, line and column of a bad value', async () => {
    const dir = tempDir();
    const file = csv(dir, 'bad.csv', 'a,b,label\n1,2,x\n\n3,oops,y\n');
    await assert.rejects(
      loadDataset(config(file, 'label'), { baseDir: dir, seed: 1 }),
      (e: Error) => e.message === `${file}:4: column index 1: not a number`,
    );
    const empty = csv(dir, 'empty.csv', '1,2,0\n3,,1\n');
    await assert.rejects(loadDataset(config(empty, 2), { baseDir: dir, seed: 1 }), (e: Error) =>
      e.message.startsWith(`${empty}:2: column index 1: empty value`),
    );
  });

  it('names the file for a missing label column, a ragged row, a header-less name, a mismatched test header', async () => {
    const dir = tempDir();
    const file = csv(dir, 'a.csv', 'a,b,label\n1,2,x\n3,4,y\n');
    await assert.rejects(
      loadDataset(config(file, 'class'), { baseDir: dir, seed: 1 }),
      (e: Error) => e.message === `${file}: no column named "class" in the header row (it has 3 columns)`,
    );
    await assert.rejects(loadDataset(config(file, 5), { baseDir: dir, seed: 1 }), (e: Error) =>
      e.message.startsWith(`${file}: labelColumn 5 is not a column index`),
    );
    const ragged = csv(dir, 'r.csv', 'a,b,label\n1,2,x\n3,y\n');
    await assert.rejects(
      loadDataset(config(ragged, 'label'), { baseDir: dir, seed: 1 }),
      (e: Error) => e.message.startsWith(ragged) && /line 3/.test(e.message),
    );
    const bare = csv(dir, 'bare.csv', '1,2,0\n3,4,1\n');
    await assert.rejects(
      loadDataset(config(bare, 'label'), { baseDir: dir, seed: 1 }),
      (e: Error) => e.message.startsWith(bare) && /no header row/.test(e.message),
    );
    const other = csv(dir, 'other.csv', 'b,a,label\n1,2,x\n');
    await assert.rejects(
      loadDataset(config(file, 'label', { test: 'other.csv' }), { baseDir: dir, seed: 1 }),
      (e: Error) => e.message.startsWith(other) && /differs from/.test(e.message),
    );
    await assert.rejects(
      loadDataset(config(path.join(dir, 'none.csv'), 0), { baseDir: dir, seed: 1 }),
      /cannot read CSV file .*none\.csv: file not found/,
    );
  });
});
