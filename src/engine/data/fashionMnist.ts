// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017) from its four IDX files, gzipped or not, as Zalando
// distributes them. No npm package ships them offline at a size fit to bundle (the `fashion-mnist`
// package holds JSON per class, about 150 MB), so the files come from a folder: `path`, or
// KD_FASHION_MNIST_DIR, or where Debian's `dataset-fashion-mnist` package installs the official files.
import * as fs from 'fs';
import * as path from 'path';
import type { FashionMnistData } from '../config/types';
import { FASHION_MNIST_URL } from './downloads';
import { findFile, MNIST_FILES, readMnistFormat } from './mnist';
import type { RawSource } from './source';

const CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const HOW_TO_GET = `download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from ${FASHION_MNIST_URL} (folder data/fashion) into one folder and name it in "path" (or set KD_FASHION_MNIST_DIR); on Debian, \`apt install dataset-fashion-mnist\` puts them where they are found without either`;

/** Debian's data-set packages install under /usr/share/datasets (KD_DATASETS_DIR overrides it). */
function debianDirectory(env: NodeJS.ProcessEnv): string | undefined {
  const dir = path.join(env.KD_DATASETS_DIR ?? '/usr/share/datasets', 'fashion-mnist');
  return fs.existsSync(dir) ? dir : undefined;
}

/** The folder holding the four files: the config's `path`, else KD_FASHION_MNIST_DIR, else Debian's. */
export function fashionMnistDirectory(config: FashionMnistData, baseDir: string, env = process.env): string {
  const given = config.path ?? env.KD_FASHION_MNIST_DIR ?? debianDirectory(env);
  if (!given) throw new Error(`fashion-mnist: its files are not bundled; ${HOW_TO_GET}`);
  const dir = path.resolve(baseDir, given);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new Error(`fashion-mnist folder not found: ${dir}; ${HOW_TO_GET}`);
  const missing = Object.values(MNIST_FILES).filter((f) => findFile(dir, f) === undefined);
  if (missing.length > 0) throw new Error(`${dir} lacks ${missing.join(', ')} (optionally .gz); ${HOW_TO_GET}`);
  return dir;
}

export function readFashionMnistSource(config: FashionMnistData, baseDir: string): Promise<RawSource> {
  return readMnistFormat(fashionMnistDirectory(config, baseDir), 'fashion-mnist', CLASSES);
}
