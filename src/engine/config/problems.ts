// What is wrong with an experiment file, where: every problem carries its file, 1-based line and
// column, the JSON path of the offending value, and a message that says what was expected.

export interface Problem {
  /** Absolute path of the file the problem is in (a file named by `extends` may be another one). */
  file: string;
  /** 1-based line of the offending value (or of its nearest existing parent). */
  line: number;
  /** 1-based column, in UTF-16 code units as editors count them. */
  column: number;
  /** Offset and length (UTF-16 code units) of the offending text, for editor diagnostics. */
  offset: number;
  length: number;
  /** JSON path of the offending value, e.g. `$.distill.losses[1].temperature`. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** Values that would fix the problem when written in place of the offending one, likeliest first (quick fixes). */
  replacements?: string[];
}

export function formatProblem(problem: Problem): string {
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return `${problem.file}:${problem.line}:${problem.column}  ${problem.path}  ${prefix}${problem.message}`;
}

/** One line per problem, errors first, each group in file order. */
export function formatProblems(problems: readonly Problem[]): string {
  return sortProblems(problems).map(formatProblem).join('\n');
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  const rank = (p: Problem) => (p.severity === 'error' ? 0 : 1);
  return [...problems].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.file.localeCompare(b.file) ||
      a.offset - b.offset ||
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** An experiment file that cannot be run; `problems` holds all of them at once (warnings included). */
export class ExperimentError extends Error {
  readonly problems: Problem[];

  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems);
    super(sorted.length === 0 ? 'invalid experiment file' : formatProblems(sorted));
    this.name = 'ExperimentError';
    this.problems = sorted;
  }
}
