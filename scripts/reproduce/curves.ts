// The learning curves behind a reproduction's table: validation accuracy per epoch of each row's
// model, averaged over its seeds, read from the runs' event logs. They are the evidence for why a
// reduced budget lands where it does (a teacher still climbing, students not yet converged).
import * as fs from 'fs';
import * as path from 'path';
import type { PublishedRow } from './recipes';
import type { CellResult, Group } from './table';

export interface Curve {
  label: string;
  /** Mean validation accuracy (a fraction) at epochs 1, 2, …; null where no seed reported one. */
  valAcc: (number | null)[];
}

interface EpochEvent {
  type: string;
  stage?: string;
  epoch?: number;
  valAcc?: number | null;
}

/** Validation accuracy by epoch (index epoch − 1) of one stage of one run. */
function stageCurve(runDir: string, stage: string): (number | undefined)[] {
  const file = path.join(runDir, 'events.jsonl');
  if (!fs.existsSync(file)) return [];
  const curve: (number | undefined)[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"epoch"')) continue;
    let event: EpochEvent;
    try {
      event = JSON.parse(line) as EpochEvent;
    } catch {
      continue;
    }
    if (event.type !== 'epoch' || event.stage !== stage || typeof event.epoch !== 'number') continue;
    // A resumed run repeats no epoch, but a later value for one replaces an earlier one.
    if (typeof event.valAcc === 'number') curve[event.epoch - 1] = event.valAcc;
  }
  return curve;
}

/** The mean over runs, epoch by epoch. */
export function meanCurve(curves: (number | undefined)[][]): (number | null)[] {
  const epochs = Math.max(0, ...curves.map((c) => c.length));
  return Array.from({ length: epochs }, (_, e) => {
    const values = curves.map((c) => c[e]).filter((v): v is number => v !== undefined);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  });
}

/** One curve per row that was measured: the row's model in the group the table read. */
export function rowCurves(
  rows: PublishedRow[],
  cells: Map<string, CellResult>,
  groupFor: (row: PublishedRow, cell: CellResult) => Group | undefined,
): Curve[] {
  const curves: Curve[] = [];
  for (const row of rows) {
    const cell = cells.get(row.cell);
    const group = cell && groupFor(row, cell);
    if (!group) continue;
    const valAcc = meanCurve(group.runDirs.map((dir) => stageCurve(dir, row.model)));
    if (valAcc.length) curves.push({ label: row.label, valAcc });
  }
  return curves;
}

/** A Markdown table of the curves: one row per model, one column per epoch (accuracy in percent). */
export function curvesTable(curves: Curve[]): string {
  const epochs = Math.max(0, ...curves.map((c) => c.valAcc.length));
  if (epochs === 0) return '';
  const header = Array.from({ length: epochs }, (_, e) => String(e + 1));
  const lines = [`| validation accuracy % by epoch | ${header.join(' | ')} |`, `| --- |${' ---: |'.repeat(epochs)}`];
  for (const curve of curves) {
    const cells = header.map((_, e) => {
      const v = curve.valAcc[e];
      return v === null || v === undefined ? '—' : (v * 100).toFixed(2);
    });
    lines.push(`| ${curve.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
