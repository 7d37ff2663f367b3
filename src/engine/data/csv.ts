// A CSV of numeric feature columns and one label column. A header row is recognised when the
// label column is named, or when the first row holds a feature cell that is not a number.
// Labels that are all non-negative integers are class indices; otherwise they are class names,
// numbered in sorted order.
import * as path from 'path';
import { parse } from 'csv-parse/sync';
import type { CsvData } from '../config/types';
import { indexNames, type RawSource, type RawSplit } from './source';
import { readTextFileSafely } from '../io/safeRead';

interface Table {
  file: string;
  records: string[][];
  /** Line number (1-based) where each record ends, for error messages. */
  lines: number[];
}

interface Layout {
  labelIndex: number;
  columns: number;
  /** The header row's names, when the file has one. */
  header?: string[];
}

interface Rows {
  x: Float32Array;
  labels: string[];
  count: number;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INDEX_LABEL = /^\+?\d+$/;

/** A CSV is read whole as text; V8 strings stop at about 512 MB, so larger files are refused up front. */
export const CSV_FILE_LIMIT = 500 * 1024 * 1024;
/** The most classes a label column may imply (the schema's bound on classes). */
export const MAX_CLASSES = 100000;

async function readTable(file: string): Promise<Table> {
  const read = readTextFileSafely(file, CSV_FILE_LIMIT);
  if ('error' in read) throw new Error(`cannot read CSV file ${file}: ${read.error}`);
  const text = read.text;
  const lines: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      delimiter: /\.(tsv|tab)$/i.test(file) ? '\t' : ',',
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    // csv-parse's messages may quote the text; only where it broke is repeated.
    const { lines: line, code } = error as { lines?: number; code?: string };
    const where = `${file}${line ? `:${line}` : ''}`;
    if (code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
      throw new Error(`${file}: line ${line ?? '?'} has a different number of columns than the first row`);
    throw new Error(`${where}: not a valid CSV file${code ? ` (${code})` : ''}`);
  }
  if (records.length === 0) throw new Error(`${file}: the file holds no rows`);
  return { file, records, lines };
}

function featuresAreNumbers(row: string[], labelIndex: number): boolean {
  return row.every((cell, i) => i === labelIndex || NUMBER.test(cell));
}

function layoutOf(table: Table, labelColumn: string | number): Layout {
  const first = table.records[0];
  const columns = first.length;
  if (columns < 2)
    throw new Error(`${table.file}: needs at least 2 columns (features and a label), the first row has ${columns}`);
  if (typeof labelColumn === 'string') {
    const labelIndex = first.indexOf(labelColumn);
    if (labelIndex >= 0) return { labelIndex, columns, header: first };
    if (first.every((cell) => NUMBER.test(cell))) {
      throw new Error(
        `${table.file}: labelColumn "${labelColumn}" names a column, but the file has no header row; give the label column's 0-based index instead`,
      );
    }
    // The header's cells are not quoted: the file may be something other than a dataset.
    throw new Error(`${table.file}: no column named "${labelColumn}" in the header row (it has ${columns} columns)`);
  }
  if (!Number.isInteger(labelColumn) || labelColumn < 0 || labelColumn >= columns) {
    throw new Error(
      `${table.file}: labelColumn ${labelColumn} is not a column index (the file has ${columns} columns, 0 to ${columns - 1})`,
    );
  }
  return { labelIndex: labelColumn, columns, header: featuresAreNumbers(first, labelColumn) ? undefined : first };
}

function columnName(_layout: Layout, index: number): string {
  return `column index ${index}`;
}

function readRows(table: Table, layout: Layout, skipHeader: boolean): Rows {
  const start = skipHeader ? 1 : 0;
  const count = table.records.length - start;
  if (count === 0) throw new Error(`${table.file}: the file has a header row but no data rows`);
  const features = layout.columns - 1;
  const x = new Float32Array(count * features);
  const labels: string[] = new Array<string>(count);
  for (let r = 0; r < count; r++) {
    const record = table.records[start + r];
    const line = table.lines[start + r];
    if (record.length !== layout.columns)
      throw new Error(`${table.file}:${line}: expected ${layout.columns} columns, found ${record.length}`);
    let f = r * features;
    for (let c = 0; c < layout.columns; c++) {
      const cell = record[c];
      if (c === layout.labelIndex) {
        if (cell === '') throw new Error(`${table.file}:${line}: ${columnName(layout, c)}: the label is empty`);
        labels[r] = cell;
        continue;
      }
      if (!NUMBER.test(cell)) {
        throw new Error(
          `${table.file}:${line}: ${columnName(layout, c)}: ${cell === '' ? 'empty value (fill in or drop missing values)' : 'not a number'}`,
        );
      }
      x[f++] = Number(cell);
    }
  }
  return { x, labels, count };
}

/** The test file follows the training file's layout; a header, if any, must name the same columns. */
function testHasHeader(table: Table, layout: Layout, trainFile: string): boolean {
  const first = table.records[0];
  if (first.length !== layout.columns)
    throw new Error(`${table.file}: has ${first.length} columns but ${trainFile} has ${layout.columns}`);
  if (featuresAreNumbers(first, layout.labelIndex)) return false;
  if (!layout.header) return false; // a bad value: readRows reports it with its line and column
  if (first.join('\u0000') !== layout.header.join('\u0000')) {
    const differing = first.findIndex((cell, i) => cell !== layout.header?.[i]);
    throw new Error(`${table.file}: its header row differs from ${trainFile}'s (first at column index ${differing})`);
  }
  return true;
}

function classesOf(labels: string[], file: string): { names: string[]; index: (label: string) => number } {
  if (labels.every((l) => INDEX_LABEL.test(l))) {
    const max = labels.reduce((m, l) => Math.max(m, Number(l)), 0);
    if (max >= MAX_CLASSES)
      throw new Error(
        `${file}: label ${max} is out of range: class indices must be below ${MAX_CLASSES} (labels are 0-based class indices)`,
      );
    return { names: indexNames(max + 1), index: (label) => Number(label) };
  }
  const names = [...new Set(labels)].sort();
  if (names.length > MAX_CLASSES) throw new Error(`${file}: the label column holds more than ${MAX_CLASSES} classes`);
  const lookup = new Map(names.map((name, i) => [name, i]));
  return { names, index: (label) => lookup.get(label) as number };
}

function toSplit(rows: Rows, index: (label: string) => number): RawSplit {
  return { x: rows.x, y: Int32Array.from(rows.labels, index), count: rows.count };
}

export async function readCsvSource(config: CsvData, baseDir: string): Promise<RawSource> {
  const trainFile = path.resolve(baseDir, config.train);
  const trainTable = await readTable(trainFile);
  const layout = layoutOf(trainTable, config.labelColumn);
  const train = readRows(trainTable, layout, layout.header !== undefined);
  let test: Rows | undefined;
  if (config.test !== undefined) {
    const testTable = await readTable(path.resolve(baseDir, config.test));
    test = readRows(testTable, layout, testHasHeader(testTable, layout, trainFile));
  }
  const classes = classesOf(test ? [...train.labels, ...test.labels] : train.labels, trainFile);
  if (classes.names.length < 2) throw new Error(`${trainFile}: the label column holds fewer than 2 classes`);
  return {
    name: path.basename(trainFile),
    inputShape: [layout.columns - 1],
    classNames: classes.names,
    pixels: false,
    train: toSplit(train, classes.index),
    test: test && toSplit(test, classes.index),
  };
}
