// The `text` dataset: (text, label) rows from CSV or JSON Lines, tokenized into fixed-length id
// sequences. The test split (testSplit) is carved before the vocabulary is built, so no test text
// shapes the vocabulary; the vocabulary and the label mapping travel with the dataset (vocab.json).
import * as fs from 'fs';
import * as path from 'path';
import type { TextData, TokenizerConfig } from '../config/types';
import { deriveSeed, seededPermutation } from '../random';
import { buildVocabulary, Encoder, type TextVocabulary } from '../text/tokenizer';
import { parseVocabTxt } from '../text/wordpiece';
import { DATA_SEED, type RawSource } from './source';
import { heldOutCount } from './splits';
import { readTextRows, type TextRows } from './textTable';

export const TEXT_DEFAULTS = {
  textColumn: 'text',
  labelColumn: 'label',
  maxLength: 64,
  testSplit: 0.2,
  vocabSize: { word: 8000, char: 256 },
  lowercase: true,
} as const;

const INDEX_LABEL = /^\+?\d+$/;

/** Class names in index order: labels that are all non-negative integers are indices; others sort by name. */
function labelMapping(labels: string[]): { names: string[]; index: (label: string) => number } {
  if (labels.every((l) => INDEX_LABEL.test(l))) {
    const max = labels.reduce((m, l) => Math.max(m, Number(l)), 0);
    return { names: Array.from({ length: max + 1 }, (_, i) => String(i)), index: (label) => Number(label) };
  }
  const names = [...new Set(labels)].sort();
  const lookup = new Map(names.map((name, i) => [name, i]));
  return { names, index: (label) => lookup.get(label) as number };
}

/** The labelled data's mapping; a label it does not know becomes -1. */
function fixedMapping(names: string[]): { names: string[]; index: (label: string) => number } {
  const lookup = new Map(names.map((name, i) => [name, i]));
  return { names, index: (label) => lookup.get(label) ?? -1 };
}

function pick(rows: TextRows, indices: ArrayLike<number>): TextRows {
  return { texts: Array.from(indices, (i) => rows.texts[i]), labels: Array.from(indices, (i) => rows.labels[i]) };
}

/** The same seeded hold-out the pipeline applies to other sources without a test set. */
function carveTest(rows: TextRows, fraction: number, name: string): { train: TextRows; test: TextRows } {
  const held = heldOutCount(rows.texts.length, fraction);
  if (held === 0)
    throw new Error(
      `${name}: too few examples (${rows.texts.length}) to hold out a test split; give a test file or a larger testSplit`,
    );
  const order = seededPermutation(rows.texts.length, deriveSeed(DATA_SEED, 'test split'));
  const sorted = (a: Int32Array) => a.slice().sort();
  return { test: pick(rows, sorted(order.subarray(0, held))), train: pick(rows, sorted(order.subarray(held))) };
}

async function vocabularyOf(tokenizer: TokenizerConfig, baseDir: string, trainTexts: string[]): Promise<string[]> {
  const lowercase = tokenizer.lowercase ?? TEXT_DEFAULTS.lowercase;
  if (tokenizer.type === 'wordpiece') {
    const file = path.resolve(baseDir, tokenizer.vocab);
    let text: string;
    try {
      text = await fs.promises.readFile(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the WordPiece vocabulary ${file}: ${(error as Error).message}`, { cause: error });
    }
    return parseVocabTxt(text, file);
  }
  const vocabSize = tokenizer.vocabSize ?? TEXT_DEFAULTS.vocabSize[tokenizer.type];
  return buildVocabulary(tokenizer.type, trainTexts, lowercase, vocabSize);
}

export interface TextSource extends RawSource {
  vocabulary: TextVocabulary;
}

/**
 * Reads a text dataset. With `fixed` (the labelled data's vocabulary, for `data.unlabeled`), its
 * tokens and label mapping are used as they are: unlabeled text is read as the models were built to
 * read it, and a label outside the mapping becomes -1 (labels of unlabeled data are ignored).
 */
export async function readTextSource(config: TextData, baseDir: string, fixed?: TextVocabulary): Promise<TextSource> {
  const textColumn = config.textColumn ?? TEXT_DEFAULTS.textColumn;
  const labelColumn = config.labelColumn ?? TEXT_DEFAULTS.labelColumn;
  const maxLength = config.maxLength ?? TEXT_DEFAULTS.maxLength;
  const tokenizer: TokenizerConfig = config.tokenizer ?? { type: 'word' };
  if (!['word', 'char', 'wordpiece'].includes(tokenizer.type))
    throw new Error(`data.tokenizer.type must be word, char or wordpiece, got ${String(tokenizer.type)}`);
  if (config.normalize === 'standardize')
    throw new Error(
      'data: a text dataset holds token ids; normalize must be "none" or "scale" (which leaves ids as they are)',
    );
  const trainFile = path.resolve(baseDir, config.train);
  let train = await readTextRows(trainFile, textColumn, labelColumn);
  let test: TextRows;
  if (config.test !== undefined) test = await readTextRows(path.resolve(baseDir, config.test), textColumn, labelColumn);
  else ({ train, test } = carveTest(train, config.testSplit ?? TEXT_DEFAULTS.testSplit, trainFile));
  const vocab = fixed ? fixed.vocab : await vocabularyOf(tokenizer, baseDir, train.texts);
  const classes = fixed ? fixedMapping(fixed.labels) : labelMapping([...train.labels, ...test.labels]);
  if (classes.names.length < 2) throw new Error(`${trainFile}: the label column holds fewer than 2 classes`);
  const vocabulary: TextVocabulary = fixed ?? {
    tokenizer: tokenizer.type,
    lowercase: tokenizer.lowercase ?? TEXT_DEFAULTS.lowercase,
    maxLength,
    vocab,
    labels: classes.names,
  };
  const encoder = new Encoder(vocabulary);
  const split = (rows: TextRows) => ({
    x: encoder.encodeAll(rows.texts),
    y: Int32Array.from(rows.labels, classes.index),
    count: rows.texts.length,
  });
  return {
    name: path.basename(trainFile),
    inputShape: [maxLength],
    classNames: classes.names,
    pixels: false,
    train: split(train),
    test: split(test),
    vocabulary,
  };
}
