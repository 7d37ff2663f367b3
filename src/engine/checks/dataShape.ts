// The shape a model is built on for the static layer-name check, for every dataset whose shape can
// be known without reading its examples: the built-in ones and synthetic data from the experiment;
// a CSV's width from its first row; an image folder's from `imageSize` and `channels`; text from
// `maxLength` and the tokenizer's vocabulary cap. The class count of files is not read (it would take
// reading every label), so it is undefined there: names depend on it only in layer lists that end
// with a dense layer (models/outputLayer.ts), and those are then not checked.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'csv-parse/sync';
import type { DataConfig, Experiment } from '../config/types';
import { knownDataShape } from '../config/modelFit';
import { CSV_FILE_LIMIT } from '../data/csv';
import { TEXT_DEFAULTS } from '../data/text';
import { openRegularFile } from '../io/safeRead';

export interface NamingShape {
  input: number[];
  /** Undefined where only reading every example would tell. */
  classes?: number;
  /** Text data: rows of the embedding table (its size does not change any layer's name). */
  vocabSize?: number;
}

/** A CSV's first line is all the width needs; a header longer than this is not a dataset's. */
const HEAD_BYTES = 64 * 1024;
/** A WordPiece vocabulary's size is in its file; the table's size names no layer, so a typical one stands in. */
const WORDPIECE_STAND_IN = 30522;

/** The first record of a CSV/TSV file, or undefined when it cannot be read as one. */
function firstRecord(file: string): string[] | undefined {
  const opened = openRegularFile(file, CSV_FILE_LIMIT);
  if ('error' in opened) return undefined;
  let head: string;
  try {
    const buffer = Buffer.alloc(Math.min(opened.size, HEAD_BYTES));
    const length = fs.readSync(opened.fd, buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, length).toString('utf8');
    // A cut file ends mid-row: keep whole lines only.
    if (opened.size > length) {
      const end = head.lastIndexOf('\n');
      if (end < 0) return undefined;
      head = head.slice(0, end + 1);
    }
  } catch {
    return undefined;
  } finally {
    fs.closeSync(opened.fd);
  }
  try {
    const records = parse(head, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      to_line: 1,
      delimiter: /\.(tsv|tab)$/i.test(file) ? '\t' : ',',
    }) as string[][];
    return records[0];
  } catch {
    return undefined;
  }
}

/** Features are every column but the label (data/csv.ts); a label column the file lacks fails at run start instead. */
function csvShape(file: string, labelColumn: unknown): NamingShape | undefined {
  const first = firstRecord(file);
  if (!first || first.length < 2) return undefined;
  const labelFound =
    typeof labelColumn === 'string'
      ? first.includes(labelColumn)
      : typeof labelColumn === 'number' &&
        Number.isInteger(labelColumn) &&
        labelColumn >= 0 &&
        labelColumn < first.length;
  return labelFound ? { input: [first.length - 1] } : undefined;
}

/** Classes are the train folder's sub-folders (data/images.ts); counting them reads no image. */
function imageClasses(root: string): number | undefined {
  try {
    const folders = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((entry) => !entry.name.startsWith('.') && entry.isDirectory());
    return folders.length > 0 ? folders.length : undefined;
  } catch {
    return undefined;
  }
}

const positiveInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;

/** The shape to build models on for naming their layers, or undefined when it cannot be known statically. */
export function namingShape(experiment: Experiment): NamingShape | undefined {
  const data = experiment.data as DataConfig;
  const known = knownDataShape(data as unknown as Parameters<typeof knownDataShape>[0]);
  if (known.input) return { input: known.input, classes: known.classes };
  const baseDir = path.dirname(experiment.sourceFile);
  switch (data.dataset) {
    case 'csv':
      return typeof data.train === 'string' ? csvShape(path.resolve(baseDir, data.train), data.labelColumn) : undefined;
    case 'images': {
      const [height, width] = Array.isArray(data.imageSize) ? data.imageSize : [];
      if (!positiveInt(height) || !positiveInt(width) || (data.channels !== 1 && data.channels !== 3)) return undefined;
      const classes = typeof data.train === 'string' ? imageClasses(path.resolve(baseDir, data.train)) : undefined;
      return { input: [height, width, data.channels], classes };
    }
    case 'text': {
      const maxLength = data.maxLength ?? TEXT_DEFAULTS.maxLength;
      if (!positiveInt(maxLength)) return undefined;
      const tokenizer = data.tokenizer ?? { type: 'word' as const };
      const vocabSize =
        tokenizer.type === 'wordpiece'
          ? WORDPIECE_STAND_IN
          : (tokenizer.vocabSize ?? TEXT_DEFAULTS.vocabSize[tokenizer.type]);
      return { input: [maxLength], vocabSize };
    }
    default:
      return undefined;
  }
}
