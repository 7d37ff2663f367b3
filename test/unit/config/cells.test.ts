import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'jsonc-parser';
import { cellRanges } from '../../../src/engine/config';
import { VALID } from './helpers';

describe('config: cell ranges', () => {
  it('gives the whole file, then each cell object with its first line', () => {
    const text = fs.readFileSync(path.join(VALID, 'notebook.kd.json'), 'utf8');
    const ranges = cellRanges(text);
    assert.deepStrictEqual(
      ranges.map((r) => [r.name, r.line]),
      [
        [null, 1],
        ['teacher', 8],
        ['kd-T4', 12],
        ['dkd', 25],
      ],
    );
    assert.deepStrictEqual(ranges[0], { name: null, line: 1, offset: 0, length: text.trimEnd().length });
    // Each range holds exactly the cell's object.
    const parsed = parse(text) as { cells: unknown[] };
    ranges
      .slice(1)
      .forEach((range, i) =>
        assert.deepStrictEqual(parse(text.slice(range.offset, range.offset + range.length)), parsed.cells[i]),
      );
  });

  it('counts lines across comments and CRLF line ends', () => {
    const text =
      '// header\r\n{\r\n  /* note */\r\n  "cells": [\r\n    { "name": "a" },\r\n\r\n    {\r\n      "name": "b"\r\n    }\r\n  ]\r\n}\r\n';
    assert.deepStrictEqual(
      cellRanges(text).map((r) => [r.name, r.line]),
      [
        [null, 2],
        ['a', 5],
        ['b', 7],
      ],
    );
  });

  it('gives only the file range for a file without cells', () => {
    assert.deepStrictEqual(cellRanges('{ "seed": 1 }'), [{ name: null, line: 1, offset: 0, length: 13 }]);
  });

  it('skips cells without a name and survives broken, unsaved text', () => {
    const text =
      '{\n  "cells": [\n    { "seed": 1 },\n    { "name": "ok", "seed": },\n    { "name": 3 },\n    { "name": "late"';
    assert.deepStrictEqual(
      cellRanges(text).map((r) => [r.name, r.line]),
      [
        [null, 1],
        ['ok', 4],
        ['late', 6],
      ],
    );
  });

  it('gives nothing for text that is not an object', () => {
    assert.deepStrictEqual(cellRanges(''), []);
    assert.deepStrictEqual(cellRanges('[{ "name": "a" }]'), []);
  });
});
