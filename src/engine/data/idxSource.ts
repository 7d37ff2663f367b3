// User IDX files: training images and labels, optionally a test pair.
import * as path from 'path';
import type { IdxData } from '../config/types';
import { classCount, readIdxPair } from './idxPair';
import { indexNames, type RawSource } from './source';

export async function readIdxSource(config: IdxData, baseDir: string): Promise<RawSource> {
  const resolve = (file: string): string => path.resolve(baseDir, file);
  if ((config.testImages === undefined) !== (config.testLabels === undefined)) {
    throw new Error(
      `idx data: give both testImages and testLabels, or neither (got only ${config.testImages !== undefined ? 'testImages' : 'testLabels'})`,
    );
  }
  const trainImages = resolve(config.trainImages);
  const train = await readIdxPair(trainImages, resolve(config.trainLabels));
  let test;
  if (config.testImages !== undefined && config.testLabels !== undefined) {
    const testImages = resolve(config.testImages);
    test = await readIdxPair(testImages, resolve(config.testLabels));
    if (test.shape.join('x') !== train.shape.join('x')) {
      throw new Error(
        `${testImages} holds examples of shape [${test.shape.join(', ')}] but ${trainImages} holds [${train.shape.join(', ')}]`,
      );
    }
    if (test.pixels !== train.pixels)
      throw new Error(`${testImages} and ${trainImages} store different value types; use the same IDX type for both`);
  }
  const classes = classCount(train.split, ...(test ? [test.split] : []));
  if (classes < 2) throw new Error(`${resolve(config.trainLabels)}: labels name fewer than 2 classes`);
  return {
    name: path.basename(trainImages),
    inputShape: train.shape,
    classNames: indexNames(classes),
    pixels: train.pixels,
    train: train.split,
    test: test?.split,
  };
}
