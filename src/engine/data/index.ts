// Loads a dataset from its config: read the source, carve a test split when the source has
// none, apply limits, carve validation with the experiment seed, normalise.
//
// Seeds: the test split and the limits use fixed seeds, so every experiment seed sees the same
// test set and the same subset of data; only the validation split follows the experiment seed.
import type { AugmentSpec, DataConfig } from '../config/types';
import { deriveSeed } from '../random';
import { checkAugment, hasRandomAugment, imageShapeOf, normalizeChannels } from './augment/augment';
import { readCifar100Source, readCifar10Source } from './cifar';
import { readCsvSource } from './csv';
import { readFashionMnistSource } from './fashionMnist';
import { readIdxSource } from './idxSource';
import { readImageFolderSource } from './images';
import { readMnist } from './mnist';
import { normalizeSplits } from './normalize';
import { DATA_SEED, sizeOf, type RawSource, type RawSplit } from './source';
import { holdOut, limitRows, takeRows } from './splits';
import { readSyntheticSource } from './synthetic';
import { readTextSource, type TextSource } from './text';
import type { Dataset, LoadOptions } from './types';
import type { TextVocabulary } from '../text/tokenizer';

export type { Batch, Dataset, LoadOptions, Split } from './types';
export { iterateBatches } from './batches';
export { decodeIdx, encodeIdx, readIdx, writeIdx, type IdxArray, type IdxFile, type IdxType } from './idx';
export { mnistDirectory } from './mnist';

const DEFAULT_VALIDATION_SPLIT = 0.1;
const DEFAULT_TEST_SPLIT = 0.2;

function readSource(config: DataConfig, baseDir: string, vocabulary?: TextVocabulary): Promise<RawSource> | RawSource {
  switch (config.dataset) {
    case 'mnist':
      return readMnist();
    case 'idx':
      return readIdxSource(config, baseDir);
    case 'csv':
      return readCsvSource(config, baseDir);
    case 'images':
      return readImageFolderSource(config, baseDir);
    case 'synthetic':
      return readSyntheticSource(config);
    case 'cifar10':
      return readCifar10Source(config, baseDir);
    case 'cifar100':
      return readCifar100Source(config, baseDir);
    case 'fashion-mnist':
      return readFashionMnistSource(config, baseDir);
    case 'text':
      return readTextSource(config, baseDir, vocabulary);
    default:
      throw new Error(
        `unknown dataset "${(config as { dataset: unknown }).dataset}" (known: mnist, fashion-mnist, cifar10, cifar100, idx, csv, images, synthetic, text)`,
      );
  }
}

function checkFraction(name: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1))
    throw new Error(`data: ${name} must be a fraction in [0, 1), got ${value}`);
}

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1))
    throw new Error(`data: ${name} must be a positive integer, got ${value}`);
}

/** `trainRange` [start, end): the training rows in that range, in source order. */
function rangeRows(split: RawSplit, range: [number, number] | undefined, rowSize: number, where: string): RawSplit {
  if (range === undefined) return split;
  const [start, end] = Array.isArray(range) ? range : [Number.NaN, Number.NaN];
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end <= start
  )
    throw new Error(
      `${where}.trainRange must be [start, end] with whole numbers 0 ≤ start < end, got ${JSON.stringify(range)}`,
    );
  if (end > split.count)
    throw new Error(
      `${where}.trainRange [${start}, ${end}] goes past the ${split.count} training examples of this data (after its test split)`,
    );
  return takeRows(
    split,
    Array.from({ length: end - start }, (_, i) => start + i),
    rowSize,
  );
}

/** The training rows a source contributes: its test split carved (when it has none), then trainRange, then trainLimit. */
function trainingRows(
  config: DataConfig,
  source: RawSource,
  testSplit: number,
  where: string,
): { train: RawSplit; test: RawSplit } {
  const rowSize = sizeOf(source.inputShape);
  let train = source.train;
  let test = source.test;
  if (!test) {
    const parts = holdOut(train, testSplit, deriveSeed(DATA_SEED, 'test split'), rowSize);
    if (parts.held.count === 0)
      throw new Error(
        `${source.name}: too few examples (${train.count}) to hold out a test split; give a test set or a larger testSplit`,
      );
    train = parts.kept;
    test = parts.held;
  }
  train = rangeRows(train, config.trainRange, rowSize, where);
  train = limitRows(train, config.trainLimit, deriveSeed(DATA_SEED, 'train limit'), rowSize);
  return { train, test };
}

/** data.unlabeled: any source whose examples have the labelled data's shape, read with its vocabulary. */
async function readUnlabeled(
  config: DataConfig,
  labelled: RawSource,
  baseDir: string,
): Promise<{ rows: RawSplit; source: RawSource }> {
  if (config.unlabeled !== undefined)
    throw new Error('data.unlabeled: unlabeled data cannot have unlabeled data of its own');
  checkLimit('unlabeled.trainLimit', config.trainLimit);
  const vocabulary = 'vocabulary' in labelled ? (labelled as TextSource).vocabulary : undefined;
  if (config.dataset === 'text' && !vocabulary)
    throw new Error('data.unlabeled: text unlabeled data needs text labelled data (it is read with its vocabulary)');
  const source = await readSource(config, baseDir, vocabulary);
  if (source.inputShape.join('x') !== labelled.inputShape.join('x'))
    throw new Error(
      `data.unlabeled: its examples have shape [${source.inputShape.join(', ')}], the labelled data's [${labelled.inputShape.join(', ')}]; they must match`,
    );
  if (source.pixels !== labelled.pixels)
    throw new Error(
      `data.unlabeled: ${source.pixels ? 'it holds 8-bit pixels and the labelled data does not' : 'the labelled data holds 8-bit pixels and it does not'}; both must be read the same way`,
    );
  const testSplit = ('testSplit' in config ? config.testSplit : undefined) ?? DEFAULT_TEST_SPLIT;
  checkFraction('unlabeled.testSplit', testSplit);
  const { train } = trainingRows(config, source, testSplit, 'data.unlabeled');
  return { rows: train, source };
}

/** The unlabeled source's own labels where its classes are the labelled data's (for reporting pseudo-label accuracy), else -1. */
function unlabeledLabels(unlabeled: RawSource, labelled: RawSource, y: Int32Array): Int32Array {
  const same = unlabeled.classNames.join('\u0000') === labelled.classNames.join('\u0000') || 'vocabulary' in unlabeled;
  return same ? y : new Int32Array(y.length).fill(-1);
}

export async function loadDataset(config: DataConfig, options: LoadOptions): Promise<Dataset> {
  const validationSplit = config.validationSplit ?? DEFAULT_VALIDATION_SPLIT;
  const testSplit = ('testSplit' in config ? config.testSplit : undefined) ?? DEFAULT_TEST_SPLIT;
  const normalize = config.normalize ?? 'scale';
  checkFraction('validationSplit', validationSplit);
  checkFraction('testSplit', testSplit);
  checkLimit('trainLimit', config.trainLimit);
  checkLimit('testLimit', config.testLimit);
  if (!['none', 'scale', 'standardize'].includes(normalize))
    throw new Error(`data: normalize must be none, scale or standardize, got ${String(normalize)}`);

  const augment = config.augment ?? [];
  if (!Array.isArray(augment)) throw new Error('data.augment must be a list of augmentation ops');
  const source = await readSource(config, options.baseDir);
  checkAugment(augment, source.inputShape);
  const rowSize = sizeOf(source.inputShape);
  const rows = trainingRows(config, source, testSplit, 'data');
  const train = rows.train;
  const test = limitRows(rows.test, config.testLimit, deriveSeed(DATA_SEED, 'test limit'), rowSize);
  const unlabeled = config.unlabeled ? await readUnlabeled(config.unlabeled, source, options.baseDir) : undefined;
  const { kept, held } = holdOut(train, validationSplit, deriveSeed(options.seed, 'validation split'), rowSize);
  // Unlabeled examples are normalised with the labelled training statistics: they join its training data.
  const normalized = normalizeSplits(normalize, source.pixels, rowSize, kept, [
    held,
    test,
    ...(unlabeled ? [unlabeled.rows] : []),
  ]);
  // Evaluation sees the fixed ops only (random ops are the identity there); training batches get the
  // whole ordered list, unless it holds no random op: then it is applied once here and caching stays valid.
  const random = hasRandomAugment(augment);
  // Unlabeled examples are in the training split's state (they are trained on with it).
  const fixed = [
    ...normalized.others.slice(0, 2),
    ...(random ? [] : [normalized.train, ...normalized.others.slice(2)]),
  ];
  for (const spec of augment)
    if (spec.type === 'normalize')
      for (const split of fixed)
        normalizeChannels(split.x, imageShapeOf(source.inputShape).channels, spec.mean, spec.std);
  const trainAugment: AugmentSpec[] = random ? augment : [];
  return {
    name: source.name,
    inputShape: source.inputShape,
    classes: source.classNames.length,
    classNames: source.classNames,
    train: normalized.train,
    validation: normalized.others[0],
    test: normalized.others[1],
    augment: trainAugment,
    ...(unlabeled
      ? { unlabeled: { ...normalized.others[2], y: unlabeledLabels(unlabeled.source, source, normalized.others[2].y) } }
      : {}),
    ...('vocabulary' in source ? { vocabulary: (source as TextSource).vocabulary } : {}),
  };
}
