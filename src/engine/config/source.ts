// One experiment file's text, parsed with jsonc-parser (comments and trailing commas allowed), with
// the means to turn a JSON path into a line and column of that text.
import {
  createScanner,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  type Node,
  type ParseError,
  ParseErrorCode,
  SyntaxKind,
} from 'jsonc-parser';
import { formatPath, type JsonValue, type Segment } from './json';
import type { Problem } from './problems';

export interface SourceFile {
  /** Absolute path. */
  file: string;
  text: string;
  root: Node | undefined;
  /** The parsed value; undefined when the text does not parse. */
  value: JsonValue | undefined;
  /** Syntax errors and duplicate keys. */
  problems: Problem[];
  lineStarts: number[];
}

const PARSE_MESSAGES: Partial<Record<ParseErrorCode, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'invalid symbol',
  [ParseErrorCode.InvalidNumberFormat]: 'invalid number',
  [ParseErrorCode.PropertyNameExpected]: 'expected a property name in double quotes',
  [ParseErrorCode.ValueExpected]: 'expected a value',
  [ParseErrorCode.ColonExpected]: 'expected ":"',
  [ParseErrorCode.CommaExpected]: 'expected ","',
  [ParseErrorCode.CloseBraceExpected]: 'expected "}"',
  [ParseErrorCode.CloseBracketExpected]: 'expected "]"',
  [ParseErrorCode.EndOfFileExpected]: 'expected the end of the file',
  [ParseErrorCode.InvalidCommentToken]: 'invalid comment',
  [ParseErrorCode.UnexpectedEndOfComment]: 'unterminated comment',
  [ParseErrorCode.UnexpectedEndOfString]: 'unterminated string',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'unterminated number',
  [ParseErrorCode.InvalidUnicode]: 'invalid unicode escape',
  [ParseErrorCode.InvalidEscapeCharacter]: 'invalid escape character',
  [ParseErrorCode.InvalidCharacter]: 'invalid character',
};

/** Deeper than any experiment needs, far shallower than what exhausts the parser's and validator's stack. */
export const MAX_NESTING = 64;

/** The offset of the first bracket that opens level MAX_NESTING + 1, found without recursion. */
function tooDeepAt(text: string): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_NESTING) return scanner.getTokenOffset();
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth--;
  }
  return undefined;
}

export function parseSource(file: string, text: string): SourceFile {
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    const source: SourceFile = {
      file,
      text,
      root: undefined,
      value: undefined,
      problems: [],
      lineStarts: lineStarts(text),
    };
    source.problems.push(
      problemAtOffset(source, deep, 1, '$', `nested more than ${MAX_NESTING} levels deep: not an experiment`, 'error'),
    );
    return source;
  }
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  const source: SourceFile = { file, text, root, value: undefined, problems: [], lineStarts: lineStarts(text) };
  for (const error of errors) {
    const message = PARSE_MESSAGES[error.error] ?? 'syntax error';
    source.problems.push(problemAtOffset(source, error.offset, error.length, '$', `invalid JSON: ${message}`, 'error'));
  }
  if (errors.length === 0 && root) {
    source.value = getNodeValue(root) as JsonValue;
    reportDuplicateKeys(source, root, []);
  }
  return source;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) starts.push(i + 1);
    else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/** 1-based line and column of an offset. */
export function positionOf(source: Pick<SourceFile, 'lineStarts'>, offset: number): { line: number; column: number } {
  let low = 0;
  let high = source.lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((source.lineStarts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - (source.lineStarts[low] ?? 0) + 1 };
}

export function problemAtOffset(
  source: SourceFile,
  offset: number,
  length: number,
  path: string,
  message: string,
  severity: Problem['severity'],
): Problem {
  return { file: source.file, ...positionOf(source, offset), offset, length, path, message, severity };
}

/** The node at a path, or the nearest existing parent, with how many segments were found. */
export function locate(source: SourceFile, path: readonly Segment[]): { node: Node | undefined; depth: number } {
  if (!source.root) return { node: undefined, depth: 0 };
  for (let depth = path.length; depth > 0; depth--) {
    const node = findNodeAtLocation(source.root, path.slice(0, depth) as Segment[]);
    if (node) return { node, depth };
  }
  return { node: source.root, depth: 0 };
}

/** How a problem is marked beyond its message: only the value (not its key), and values that fix it. */
export interface ProblemMark {
  /** Mark the value itself where it exists (a wrong name), not the property from its key. */
  valueOnly?: boolean;
  replacements?: string[];
}

/** A problem at a JSON path of this file; a property is marked from its key, so the line is the key's. */
export function problemAt(
  source: SourceFile,
  path: readonly Segment[],
  message: string,
  severity: Problem['severity'] = 'error',
  mark: ProblemMark = {},
): Problem {
  const { node, depth } = locate(source, path);
  const exact = mark.valueOnly && depth === path.length;
  const marked = !exact && node?.parent?.type === 'property' ? node.parent : node;
  const problem = problemAtOffset(
    source,
    marked?.offset ?? 0,
    marked?.length ?? 0,
    formatPath(path),
    message,
    severity,
  );
  return mark.replacements && mark.replacements.length > 0 ? { ...problem, replacements: mark.replacements } : problem;
}

function reportDuplicateKeys(source: SourceFile, node: Node, path: Segment[]): void {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || typeof key.value !== 'string') continue;
      const name = key.value;
      if (seen.has(name)) {
        source.problems.push(
          problemAtOffset(
            source,
            property.offset,
            property.length,
            formatPath([...path, name]),
            `duplicate property "${name}" (only the last one would count)`,
            'error',
          ),
        );
      }
      seen.add(name);
      if (value) reportDuplicateKeys(source, value, [...path, name]);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, i) => reportDuplicateKeys(source, child, [...path, i]));
  }
}
