// CIFAR-10 and CIFAR-100 from their official binary distributions (the "binary version" archives
// of https://www.cs.toronto.edu/~kriz/cifar.html). A record is its label byte(s) then 3,072 bytes:
// the red, green and blue 32×32 planes; examples become 32×32×3 in height-width-channel order.
import * as fs from 'fs';
import * as path from 'path';
import type { Cifar100Data, Cifar10Data } from '../config/types';
import { CIFAR_URL } from './downloads';
import { indexNames, type RawSource, type RawSplit } from './source';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const IMAGE_BYTES = 3 * PLANE;

const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const CIFAR10_TRAIN = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const CIFAR10_TEST = 'test_batch.bin';

interface Layout {
  /** Label bytes before each image: 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100. */
  labelBytes: number;
  /** Which label byte is the label. */
  labelAt: number;
  classes: number;
  title: string;
  archive: string;
}

function checkFolder(dir: string, files: string[], layout: Layout): void {
  const get = `download the binary version (${layout.archive}) from ${CIFAR_URL} and extract it; "path" names the folder that holds ${files.join(', ')}`;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new Error(`${layout.title} folder not found: ${dir}: ${get}`);
  const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) throw new Error(`${dir} lacks ${missing.join(', ')}: ${get}`);
}

/** Decodes the records of one file into HWC bytes and labels; checks the size and the labels. */
export function decodeCifarRecords(bytes: Uint8Array, file: string, layout: Layout): RawSplit {
  const record = layout.labelBytes + IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    const other = layout.labelBytes === 1 ? 'CIFAR-100 records are 3,074 bytes' : 'CIFAR-10 records are 3,073 bytes';
    throw new Error(
      `${file}: ${bytes.length} bytes is not a whole number of ${layout.title} records of ${record} bytes (a truncated download, or another format: ${other}; the Python and MATLAB versions are not read)`,
    );
  }
  const count = bytes.length / record;
  const x = new Uint8Array(count * IMAGE_BYTES);
  const y = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const at = r * record;
    const label = bytes[at + layout.labelAt];
    if (label >= layout.classes)
      throw new Error(
        `${file}: record ${r} has label ${label}, beyond the ${layout.classes} ${layout.title} classes (the wrong dataset or record size?)`,
      );
    y[r] = label;
    const image = at + layout.labelBytes;
    const out = r * IMAGE_BYTES;
    for (let p = 0; p < PLANE; p++) {
      x[out + 3 * p] = bytes[image + p];
      x[out + 3 * p + 1] = bytes[image + PLANE + p];
      x[out + 3 * p + 2] = bytes[image + 2 * PLANE + p];
    }
  }
  return { x, y, count };
}

async function readRecords(dir: string, files: string[], layout: Layout): Promise<RawSplit> {
  const parts: RawSplit[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    parts.push(decodeCifarRecords(await fs.promises.readFile(file), file, layout));
  }
  const count = parts.reduce((n, p) => n + p.count, 0);
  const x = new Uint8Array(count * IMAGE_BYTES);
  const y = new Int32Array(count);
  let at = 0;
  for (const part of parts) {
    x.set(part.x, at * IMAGE_BYTES);
    y.set(part.y, at);
    at += part.count;
  }
  return { x, y, count };
}

/** Class names from the distribution's own list when present (one per line), else indices. */
function namesFrom(dir: string, file: string, classes: number): string[] {
  const full = path.join(dir, file);
  if (fs.existsSync(full)) {
    const names = fs
      .readFileSync(full, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    if (names.length === classes) return names;
  }
  return indexNames(classes);
}

export async function readCifar10Source(config: Cifar10Data, baseDir: string): Promise<RawSource> {
  const dir = path.resolve(baseDir, config.path);
  const layout: Layout = {
    labelBytes: 1,
    labelAt: 0,
    classes: 10,
    title: 'CIFAR-10',
    archive: 'cifar-10-binary.tar.gz',
  };
  checkFolder(dir, [...CIFAR10_TRAIN, CIFAR10_TEST], layout);
  const [train, test] = await Promise.all([
    readRecords(dir, CIFAR10_TRAIN, layout),
    readRecords(dir, [CIFAR10_TEST], layout),
  ]);
  return { name: 'cifar10', inputShape: [SIDE, SIDE, 3], classNames: CIFAR10_CLASSES, pixels: true, train, test };
}

export async function readCifar100Source(config: Cifar100Data, baseDir: string): Promise<RawSource> {
  const dir = path.resolve(baseDir, config.path);
  const coarse = config.labels === 'coarse';
  if (config.labels !== undefined && config.labels !== 'fine' && !coarse)
    throw new Error(`cifar100 data: labels must be "fine" or "coarse", got ${JSON.stringify(config.labels)}`);
  const classes = coarse ? 20 : 100;
  const layout: Layout = {
    labelBytes: 2,
    labelAt: coarse ? 0 : 1,
    classes,
    title: 'CIFAR-100',
    archive: 'cifar-100-binary.tar.gz',
  };
  checkFolder(dir, ['train.bin', 'test.bin'], layout);
  const [train, test] = await Promise.all([
    readRecords(dir, ['train.bin'], layout),
    readRecords(dir, ['test.bin'], layout),
  ]);
  const classNames = namesFrom(dir, coarse ? 'coarse_label_names.txt' : 'fine_label_names.txt', classes);
  return {
    name: coarse ? 'cifar100-coarse' : 'cifar100',
    inputShape: [SIDE, SIDE, 3],
    classNames,
    pixels: true,
    train,
    test,
  };
}
