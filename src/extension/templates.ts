// Starting points offered by "New Experiment". Each is a complete, valid .kd.json file.

export interface ExperimentTemplate {
  id: string;
  label: string;
  detail: string;
  /** Suggested file name stem. */
  stem: string;
  content(name: string): Record<string, unknown>;
}

export const TEMPLATES: readonly ExperimentTemplate[] = [
  {
    id: 'mnist-hinton',
    label: 'MNIST · Hinton KD notebook',
    detail:
      'Cells: a teacher MLP trained on labels, then a small student distilled from it at T=4, with a baseline. A few minutes on a CPU.',
    stem: 'mnist-hinton',
    content: (name) => ({
      name,
      seed: 1,
      data: { dataset: 'mnist', validationSplit: 0.1, trainLimit: 12000 },
      train: {
        epochs: 6,
        batchSize: 128,
        optimizer: { type: 'adam', lr: 0.001 },
        schedule: { type: 'cosine', minLr: 0.0001 },
      },
      cells: [
        {
          name: 'teacher',
          student: { preset: 'mlp', hidden: [800, 800], dropout: 0.3 },
          distill: { losses: [{ type: 'ce', weight: 1 }] },
        },
        {
          name: 'kd-T4',
          teacher: { fromCell: 'teacher' },
          student: { preset: 'mlp', hidden: [32] },
          baseline: true,
          distill: {
            losses: [
              { type: 'ce', weight: 0.1 },
              { type: 'kd', weight: 0.9, temperature: 4 },
            ],
          },
        },
      ],
    }),
  },
  {
    id: 'synthetic',
    label: 'Tiny synthetic experiment',
    detail:
      'Generated data, a small teacher trained first, a tiny student distilled from it, and a baseline. Runs in seconds.',
    stem: 'synthetic',
    content: (name) => ({
      name,
      seed: 1,
      data: { dataset: 'synthetic', shape: [16], classes: 4, trainSize: 800, testSize: 200, validationSplit: 0.2 },
      teacher: { preset: 'mlp', hidden: [64, 64] },
      student: { preset: 'mlp', hidden: [8] },
      baseline: true,
      distill: {
        losses: [
          { type: 'ce', weight: 0.5 },
          { type: 'kd', weight: 0.5, temperature: 4 },
        ],
      },
      train: { epochs: 5, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
    }),
  },
];

/** The text of a new file from a template, named after its file. */
export function templateText(template: ExperimentTemplate, name: string): string {
  return prettyJson(template.content(name)) + '\n';
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value);
}

/**
 * JSON as people write it: a value stays on one line when it fits in `width` columns (arrays of
 * numbers, small objects), and breaks into indented lines otherwise.
 */
export function prettyJson(value: unknown, width = 100, indent = '', prefix = 0): string {
  const flat = inline(value);
  if (typeof value !== 'object' || value === null || indent.length + prefix + flat.length <= width) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + prettyJson(v, width, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return `${inner}${key}${prettyJson(v, width, inner, key.length)}`;
  });
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

/** A file name stem that is not taken yet: "synthetic", "synthetic-2", ... */
export function freeStem(stem: string, taken: (candidate: string) => boolean): string {
  if (!taken(stem)) return stem;
  for (let i = 2; ; i++) if (!taken(`${stem}-${i}`)) return `${stem}-${i}`;
}
