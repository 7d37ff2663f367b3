// Reads the rows of a text dataset: a CSV/TSV with a header row, or JSON Lines (one object per
// line), keeping only the text and label columns named in the config. Errors name the file and line.
import * as fs from 'fs';
import { parse } from 'csv-parse/sync';

export interface TextRows {
  texts: string[];
  labels: string[];
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read text data file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

function csvRows(file: string, content: string, textColumn: string, labelColumn: string): TextRows {
  const lines: number[] = [];
  let records: string[][];
  try {
    records = parse(content, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      delimiter: /\.(tsv|tab)$/i.test(file) ? '\t' : ',',
      on_record: (record: string[], context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (records.length < 2) throw new Error(`${file}: needs a header row and at least one data row`);
  const header = records[0].map((h) => h.trim());
  const column = (name: string, role: string) => {
    const index = header.indexOf(name);
    if (index < 0)
      throw new Error(
        `${file}: no column named "${name}" (the ${role}) in the header row (columns: ${header.join(', ')})`,
      );
    return index;
  };
  const textIndex = column(textColumn, 'textColumn');
  const labelIndex = column(labelColumn, 'labelColumn');
  const rows: TextRows = { texts: [], labels: [] };
  for (let r = 1; r < records.length; r++) {
    const label = records[r][labelIndex].trim();
    if (label === '') throw new Error(`${file}:${lines[r]}: column "${labelColumn}": the label is empty`);
    rows.texts.push(records[r][textIndex]);
    rows.labels.push(label);
  }
  return rows;
}

function jsonlRows(file: string, content: string, textColumn: string, labelColumn: string): TextRows {
  const rows: TextRows = { texts: [], labels: [] };
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not a JSON value (${(error as Error).message}); JSON Lines holds one object per line`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error(`${where}: expected a JSON object with "${textColumn}" and "${labelColumn}"`);
    const record = value as Record<string, unknown>;
    const text = record[textColumn];
    const label = record[labelColumn];
    if (typeof text !== 'string')
      throw new Error(`${where}: "${textColumn}" must be a string, got ${JSON.stringify(text)}`);
    if (!(typeof label === 'string' && label.trim() !== '') && !(typeof label === 'number' && Number.isFinite(label)))
      throw new Error(
        `${where}: "${labelColumn}" must be a non-empty string or a number, got ${JSON.stringify(label)}`,
      );
    rows.texts.push(text);
    rows.labels.push(String(label).trim());
  });
  if (rows.texts.length === 0) throw new Error(`${file}: the file holds no rows`);
  return rows;
}

/** The (text, label) rows of a .csv/.tsv (header row) or .jsonl/.ndjson file. */
export async function readTextRows(file: string, textColumn: string, labelColumn: string): Promise<TextRows> {
  const content = await readText(file);
  if (/\.(jsonl|ndjson)$/i.test(file)) return jsonlRows(file, content, textColumn, labelColumn);
  if (/\.(csv|tsv|tab)$/i.test(file)) return csvRows(file, content, textColumn, labelColumn);
  throw new Error(`${file}: a text dataset is read from .csv, .tsv or .jsonl files`);
}
