// Which cells each cell of a notebook file reuses through `fromCell`, read from the live text
// without validating it: enough for a CodeLens to offer running a needed cell first.
import { parse } from 'jsonc-parser';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fromCell names of the models an experiment-shaped object writes (teacher, student, distill's lists). */
function fromCells(experiment: Json): string[] {
  const models: unknown[] = [experiment.teacher, experiment.student];
  const distill = experiment.distill;
  if (isObject(distill))
    for (const list of ['teachers', 'assistants', 'peers'])
      if (Array.isArray(distill[list])) models.push(...(distill[list] as unknown[]));
  return models.flatMap((m) => (isObject(m) && typeof m.fromCell === 'string' ? [m.fromCell] : []));
}

/** Cell name → the cells it reuses (its own models, else the file's top-level ones it inherits). */
export function cellReuses(text: string): Map<string, string[]> {
  const reuses = new Map<string, string[]>();
  const root: unknown = parse(text, [], { allowTrailingComma: true });
  if (!isObject(root) || !Array.isArray(root.cells)) return reuses;
  const inherited = fromCells(root);
  for (const cell of root.cells) {
    if (!isObject(cell) || typeof cell.name !== 'string') continue;
    const own = fromCells(cell);
    const teacherWritten = cell.teacher !== undefined;
    const names = [...own, ...(teacherWritten ? [] : inherited)].filter((n) => n !== cell.name);
    reuses.set(cell.name, [...new Set(names)]);
  }
  return reuses;
}
