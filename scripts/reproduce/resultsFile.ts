// The measured tables kept in one Markdown file (docs/reproduce-results.md): each reproduction owns
// the section under its `## name` heading, replaced whole when that reproduction is run again, so
// the file always holds the latest measurement of each with the budget and machine it was made on.
import * as fs from 'fs';

const HEADER = [
  '# Reproductions: measured results',
  '',
  'Written by `npm run reproduce -- NAME --markdown docs/reproduce-results.md`: each section is the latest',
  'measurement of one example under `examples/reproduce/`, with its command, budget, machine and date.',
  'Accuracies and errors are on the test set, at the last epoch and at the epoch chosen on a validation',
  'split carved from the training data (never on the test set), as mean ± std over seeds. The KD gain is',
  'the paired difference (distilled minus the same seed trained alone) at the best-validation epochs,',
  'with its 95% confidence interval (t distribution over seeds); * marks an interval that excludes 0.',
  '',
].join('\n');

/** `text` with the section headed `## name` replaced by `section` (appended when absent). */
export function replaceSection(text: string, name: string, section: string): string {
  const body = text.trim() ? text : HEADER;
  const lines = body.split('\n');
  const start = lines.findIndex((l) => l === `## ${name}` || l.startsWith(`## ${name} `));
  const block = section.trimEnd().split('\n');
  if (start < 0) return `${body.trimEnd()}\n\n${block.join('\n')}\n`;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  const after = lines.slice(end);
  return `${[...lines.slice(0, start), ...block, ...(after.length ? ['', ...after] : [])].join('\n').trimEnd()}\n`;
}

export function writeSection(file: string, name: string, section: string): void {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  fs.writeFileSync(file, replaceSection(text, name, section));
}
