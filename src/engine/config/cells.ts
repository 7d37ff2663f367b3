// Where the experiments of a file sit in its text: the whole file, and each cell object (for
// CodeLenses above each cell and outcomes shown below it). Tolerant of unsaved, broken text.
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import { positionOf } from './source';

export interface CellRange {
  /** The cell's name; null for the whole file. */
  name: string | null;
  /** 1-based line where the range starts. */
  line: number;
  offset: number;
  length: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/** The range of the whole file (name null), then of each named cell, in order. */
export function cellRanges(text: string): CellRange[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root || root.type !== 'object') return [];
  const starts = { lineStarts: lineStarts(text) };
  const range = (name: string | null, node: Node): CellRange => ({
    name,
    line: positionOf(starts, node.offset).line,
    offset: node.offset,
    length: node.length,
  });
  const ranges = [range(null, root)];
  const cells = findNodeAtLocation(root, ['cells']);
  for (const cell of cells?.type === 'array' ? (cells.children ?? []) : []) {
    if (cell.type !== 'object') continue;
    const name = findNodeAtLocation(cell, ['name']);
    if (name?.type === 'string' && typeof name.value === 'string') ranges.push(range(name.value, cell));
  }
  return ranges;
}
