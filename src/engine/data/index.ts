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
import { DATA_SEED, sizeOf, type RawSource } from './source';
import { holdOut, limitRows } from './splits';
import { readSyntheticSource } from './synthetic';
import { readTextSource, type TextSource } from './text';
import type { Dataset, LoadOptions } from './types';

export type { Batch, Dataset, LoadOptions, Split } from './types';
export { iterateBatches } from './batches';
export { decodeIdx, encodeIdx, readIdx, writeIdx, type IdxArray, type IdxFile, type IdxType } from './idx';
export { mnistDirectory } from './mnist';

const DEFAULT_VALIDATION_SPLIT = 0.1;
const DEFAULT_TEST_SPLIT = 0.2;

function readSource(config: DataConfig, baseDir: string): Promise<RawSource> | RawSource {
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
      return readTextSource(config, baseDir);
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
  train = limitRows(train, config.trainLimit, deriveSeed(DATA_SEED, 'train limit'), rowSize);
  test = limitRows(test, config.testLimit, deriveSeed(DATA_SEED, 'test limit'), rowSize);
  const { kept, held } = holdOut(train, validationSplit, deriveSeed(options.seed, 'validation split'), rowSize);
  const normalized = normalizeSplits(normalize, source.pixels, rowSize, kept, [held, test]);
  // Evaluation sees the fixed ops only (random ops are the identity there); training batches get the
  // whole ordered list, unless it holds no random op: then it is applied once here and caching stays valid.
  const random = hasRandomAugment(augment);
  const fixed = [...normalized.others, ...(random ? [] : [normalized.train])];
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
    ...('vocabulary' in source ? { vocabulary: (source as TextSource).vocabulary } : {}),
  };
}
