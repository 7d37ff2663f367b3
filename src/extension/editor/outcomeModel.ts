// The notebook-style output after each experiment of a file: the latest run's outcome, or what the
// live run is doing. Shown as an editor decoration, never written into the file.
import type { RunStatus } from '../../protocol/events';
import { outcomeText, progressText, runTrainsAlone } from '../text';
import type { LensInputs, LensRange } from './lensModel';

export type OutcomeTone = RunStatus | 'queued';

export interface Outcome {
  /** Offset just past the experiment's text (the closing brace of the cell or file). */
  endOffset: number;
  cell: string | undefined;
  text: string;
  tone: OutcomeTone;
}

export function buildOutcomes(ranges: LensRange[], inputs: Pick<LensInputs, 'runsOf' | 'activeOf'>): Outcome[] {
  const cells = ranges.filter((r) => r.name !== null);
  const experiments = cells.length > 0 ? cells : ranges.filter((r) => r.name === null);
  const outcomes: Outcome[] = [];
  for (const range of experiments) {
    const cell = range.name ?? undefined;
    const endOffset = range.offset + range.length;
    const active = inputs.activeOf(cell);
    if (active?.state === 'running') {
      outcomes.push({
        endOffset,
        cell,
        text: `⟳ running · ${progressText(active.progress, active.loss, runTrainsAlone(inputs.runsOf(cell)[0]))}`,
        tone: 'running',
      });
      continue;
    }
    if (active?.state === 'queued') {
      outcomes.push({ endOffset, cell, text: '… queued', tone: 'queued' });
      continue;
    }
    const latest = inputs.runsOf(cell)[0];
    if (latest) outcomes.push({ endOffset, cell, text: outcomeText(latest), tone: latest.status });
  }
  return outcomes;
}
