// A folder with one sub-folder per class (classes in sorted order) of PNG and JPEG files,
// decoded, converted to 1 or 3 channels and resized to one size: shape [h, w, c].
import * as fs from 'fs';
import * as path from 'path';
import type { ImageFolderData } from '../config/types';
import { openRegularFile } from '../io/safeRead';
import { decodeImage, resizeBilinear, toChannels } from './imageOps';
import type { RawSource, RawSplit } from './source';

const IMAGE_FILE = /\.(png|jpe?g)$/i;

interface Listing {
  file: string;
  label: number;
}

async function isDirectory(file: string): Promise<boolean> {
  return (await fs.promises.stat(file)).isDirectory();
}

async function classFolders(root: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.promises.readdir(root);
  } catch (error) {
    throw new Error(
      `cannot read image folder ${root}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (error as Error).message}`,
      { cause: error },
    );
  }
  const folders: string[] = [];
  for (const name of entries.filter((e) => !e.startsWith('.')).sort())
    if (await isDirectory(path.join(root, name))) folders.push(name);
  return folders;
}

async function listImages(root: string, classNames: string[], requireEach: boolean): Promise<Listing[]> {
  const listing: Listing[] = [];
  for (const [label, name] of classNames.entries()) {
    const dir = path.join(root, name);
    if (!fs.existsSync(dir)) continue;
    const files = (await fs.promises.readdir(dir)).filter((f) => !f.startsWith('.') && IMAGE_FILE.test(f)).sort();
    if (files.length === 0 && requireEach) throw new Error(`${dir}: the class folder holds no PNG or JPEG files`);
    for (const f of files) listing.push({ file: path.join(dir, f), label });
  }
  return listing;
}

async function readImages(listing: Listing[], config: ImageFolderData, root: string): Promise<RawSplit> {
  const [height, width] = config.imageSize;
  const rowSize = height * width * config.channels;
  const x = new Float32Array(listing.length * rowSize);
  const y = new Int32Array(listing.length);
  if (listing.length === 0) throw new Error(`${root}: no PNG or JPEG files in its class folders`);
  for (const [i, item] of listing.entries()) {
    const bytes = readImageFile(item.file);
    const pixels = resizeBilinear(toChannels(decodeImage(bytes, item.file), config.channels), height, width);
    x.set(pixels.data, i * rowSize);
    y[i] = item.label;
  }
  return { x, y, count: listing.length };
}

function checkConfig(config: ImageFolderData): void {
  const size = config.imageSize;
  if (!Array.isArray(size) || size.length !== 2 || size.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`images data: imageSize must be [height, width] in positive integers, got ${JSON.stringify(size)}`);
  }
  if (config.channels !== 1 && config.channels !== 3)
    throw new Error(`images data: channels must be 1 or 3, got ${String(config.channels)}`);
}

/** A PNG or JPEG larger than this is not an image a dataset is made of. */
const IMAGE_FILE_LIMIT = 64 * 1024 * 1024;

function readImageFile(file: string): Buffer {
  const opened = openRegularFile(file, IMAGE_FILE_LIMIT);
  if ('error' in opened) throw new Error(`cannot read image ${file}: ${opened.error}`);
  try {
    return fs.readFileSync(opened.fd);
  } finally {
    fs.closeSync(opened.fd);
  }
}

export async function readImageFolderSource(config: ImageFolderData, baseDir: string): Promise<RawSource> {
  checkConfig(config);
  const trainRoot = path.resolve(baseDir, config.train);
  const classNames = await classFolders(trainRoot);
  if (classNames.length < 2)
    throw new Error(`${trainRoot}: needs one sub-folder per class and at least 2 classes, found ${classNames.length}`);
  const train = await readImages(await listImages(trainRoot, classNames, true), config, trainRoot);
  let test: RawSplit | undefined;
  if (config.test !== undefined) {
    const testRoot = path.resolve(baseDir, config.test);
    const unknown = (await classFolders(testRoot)).filter((name) => !classNames.includes(name));
    if (unknown.length > 0)
      throw new Error(`${testRoot}: class folders ${unknown.join(', ')} have no counterpart in ${trainRoot}`);
    test = await readImages(await listImages(testRoot, classNames, false), config, testRoot);
  }
  const [height, width] = config.imageSize;
  return {
    name: path.basename(trainRoot),
    inputShape: [height, width, config.channels],
    classNames,
    pixels: true,
    train,
    test,
  };
}
