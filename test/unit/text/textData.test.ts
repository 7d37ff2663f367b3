// The `text` dataset on small files in the real formats: CSV with quoting, JSON Lines, string and
// index labels, testSplit carved before the vocabulary is built, WordPiece from a vocab.txt, errors.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadDataset } from '../../../src/engine/data';
import type { TextData } from '../../../src/engine/config/types';
import { tempDir } from '../data/helpers';

function write(dir: string, name: string, text: string): string {
  fs.writeFileSync(path.join(dir, name), text);
  return name;
}

function config(train: string, extra: Partial<TextData> = {}): TextData {
  return { dataset: 'text', train, validationSplit: 0, normalize: 'scale', ...extra };
}

const row = (x: Float32Array, length: number, r: number) => Array.from(x.subarray(r * length, (r + 1) * length));

describe('text datasets', () => {
  it('reads a CSV by column names, maps string labels in sorted order, encodes with the training vocabulary', async () => {
    const dir = tempDir();
    write(dir, 'train.csv', 'id,review,sentiment\n1,"Great, great film",pos\n2,awful film,neg\n3,"great fun",pos\n');
    write(dir, 'test.csv', 'id,review,sentiment\n4,unseen great,pos\n');
    const data = await loadDataset(
      config('train.csv', {
        test: 'test.csv',
        textColumn: 'review',
        labelColumn: 'sentiment',
        tokenizer: { type: 'word', vocabSize: 100 },
        maxLength: 5,
      }),
      { baseDir: dir, seed: 1 },
    );
    assert.deepStrictEqual(data.inputShape, [5]);
    assert.deepStrictEqual(data.classNames, ['neg', 'pos']);
    assert.deepStrictEqual(Array.from(data.train.y), [1, 0, 1]);
    const vocab = data.vocabulary?.vocab ?? [];
    // great ×3, film ×2, then ",", "awful", "fun" (one each) in code-point order.
    assert.deepStrictEqual(vocab, ['[PAD]', '[UNK]', '[CLS]', 'great', 'film', ',', 'awful', 'fun']);
    assert.deepStrictEqual(row(data.train.x, 5, 0), [2, 3, 5, 3, 4]);
    assert.deepStrictEqual(row(data.test.x, 5, 0), [2, 1, 3, 0, 0]);
    assert.deepStrictEqual(data.vocabulary?.labels, ['neg', 'pos']);
    assert.strictEqual(data.vocabulary?.maxLength, 5);
  });

  it('reads JSON Lines with numeric labels, and carves testSplit before building the vocabulary', async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ body: `word${i} common`, y: i % 2 }));
    write(dir, 'all.jsonl', lines.join('\n') + '\n');
    const data = await loadDataset(
      config('all.jsonl', { textColumn: 'body', labelColumn: 'y', testSplit: 0.25, tokenizer: { type: 'word' } }),
      { baseDir: dir, seed: 3 },
    );
    assert.strictEqual(data.train.count, 15);
    assert.strictEqual(data.test.count, 5);
    assert.deepStrictEqual(data.classNames, ['0', '1']);
    const vocab = new Set(data.vocabulary?.vocab);
    // Each test row's own word is out of the vocabulary: it was never seen in training.
    for (let r = 0; r < data.test.count; r++) {
      assert.strictEqual(data.test.x[r * 64 + 1], 1, `test row ${r} starts with [UNK]`);
      assert.strictEqual(data.test.x[r * 64 + 2], data.vocabulary?.vocab.indexOf('common'));
    }
    assert.strictEqual(vocab.size, 3 + 15 + 1);
  });

  it('tokenizes with WordPiece from a BERT vocab.txt, and characters with the char tokenizer', async () => {
    const dir = tempDir();
    write(
      dir,
      'vocab.txt',
      ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'play', '##ing', '##ed', 'the', 'game', '!'].join('\n'),
    );
    write(dir, 'train.csv', 'text,label\nPlaying the game!,a\nthe played gamed,b\n');
    const data = await loadDataset(
      config('train.csv', { test: 'train.csv', tokenizer: { type: 'wordpiece', vocab: 'vocab.txt' }, maxLength: 8 }),
      { baseDir: dir, seed: 1 },
    );
    assert.deepStrictEqual(row(data.train.x, 8, 0), [2, 4, 5, 7, 8, 9, 0, 0]);
    assert.deepStrictEqual(row(data.train.x, 8, 1), [2, 7, 4, 6, 1, 0, 0, 0]);
    const chars = await loadDataset(
      config('train.csv', { test: 'train.csv', tokenizer: { type: 'char', vocabSize: 6 }, maxLength: 4 }),
      { baseDir: dir, seed: 1 },
    );
    assert.strictEqual(chars.vocabulary?.vocab.length, 6);
    assert.strictEqual(chars.vocabulary?.tokenizer, 'char');
  });

  it('names the file, the line and what was expected for bad input', async () => {
    const dir = tempDir();
    write(dir, 'a.csv', 'text,label\nhello,x\n');
    write(dir, 'b.jsonl', '{"text": "ok", "label": 1}\n{"text": 5, "label": 0}\n');
    write(dir, 'c.jsonl', '{"text": "ok", "label": 1}\nnot json\n');
    write(dir, 'd.csv', 'text,label\nhello,\n');
    write(dir, 'e.txt', 'hello');
    const load = (extra: Partial<TextData>, train = 'a.csv') =>
      loadDataset(config(train, { test: train, ...extra }), { baseDir: dir, seed: 1 });
    await assert.rejects(
      load({ textColumn: 'review' }),
      /a\.csv: no column named "review" \(the textColumn\).*columns: text, label/,
    );
    await assert.rejects(load({}, 'b.jsonl'), /b\.jsonl:2: "text" must be a string, got 5/);
    await assert.rejects(load({}, 'c.jsonl'), /c\.jsonl:2: not a JSON value/);
    await assert.rejects(load({}, 'd.csv'), /d\.csv:2: column "label": the label is empty/);
    await assert.rejects(load({}, 'e.txt'), /e\.txt: a text dataset is read from \.csv, \.tsv or \.jsonl files/);
    await assert.rejects(load({}), /fewer than 2 classes/);
    await assert.rejects(load({ normalize: 'standardize' }), /normalize must be "none" or "scale"/);
    await assert.rejects(
      load({ tokenizer: { type: 'wordpiece', vocab: 'missing.txt' } }),
      /cannot read the WordPiece vocabulary .*missing\.txt/,
    );
  });
});
