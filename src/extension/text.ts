// The words and numbers the extension shows for a run: lens titles, tree descriptions, tooltips,
// the inline outcome below a cell, notification messages. Pure, so every wording is unit-tested.
import type { RunInfo } from '../engine/store/runStore';
import type { RunSummary } from '../protocol/events';
import { formatDuration, formatNumber, formatPercent, formatPoints, formatRatio } from '../shared/format';
import { speedupText } from '../shared/speedup';
import { productWord, stageWord, stoppedText, trainsAlone } from '../shared/modelLabels';

/** Accuracies in one-line texts (lens, tree, outcome) carry one decimal: "91.2%". */
function percent(value: number | undefined): string {
  return formatPercent(value, 1);
}

/** The distilled model's test accuracy at its best-validation epoch. */
export function studentAccuracy(summary: RunSummary | undefined): number | undefined {
  return summary?.models[summary.product]?.best.test;
}

/** Whether a run trains its model alone (a teacher cell): its product is then a teacher. */
export function runTrainsAlone(run: Pick<RunInfo, 'config' | 'summary'> | undefined): boolean {
  return run !== undefined && trainsAlone(run.config, run.summary);
}

/** What a live run is doing: "student · epoch 2/5 · step 10/50 · loss 0.4231" ("teacher · …" for a teacher cell). */
export function progressText(progress: RunInfo['progress'], loss?: number, alone = false): string {
  if (!progress) return 'starting';
  const parts = [stageWord(progress.stage, alone), `epoch ${progress.epoch}/${progress.epochs}`];
  if (progress.step > 0) parts.push(`step ${progress.step}/${progress.stepsPerEpoch}`);
  const total = loss ?? progress.total;
  if (total !== undefined && Number.isFinite(total)) parts.push(`loss ${total.toFixed(4)}`);
  return parts.join(' · ');
}

/** The key figures of a finished run: "student 91.2% · +1.3 pts vs baseline" ("teacher 98.0%" for a teacher cell). */
export function keyMetrics(summary: RunSummary | undefined, alone = false): string {
  const accuracy = studentAccuracy(summary);
  const parts: string[] = [];
  if (accuracy !== undefined) parts.push(`${productWord(alone)} ${percent(accuracy)}`);
  if (summary?.kdGain !== undefined) parts.push(`${formatPoints(summary.kdGain)} vs baseline`);
  return parts.join(' · ');
}

/** First line of an error, shortened for one-line displays. */
export function shortError(error: string | undefined, max = 80): string {
  const line = (error ?? 'unknown error').split('\n')[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A run's state as a short description (tree item descriptions). */
export function runDescription(run: RunInfo): string {
  const alone = runTrainsAlone(run);
  switch (run.status) {
    case 'running':
      return progressText(run.progress, undefined, alone);
    case 'done':
      return keyMetrics(run.summary, alone) || 'done';
    case 'stopped':
      return stoppedText(run.progress);
    case 'failed':
      return run.crashed ? 'crashed' : `failed: ${shortError(run.error ?? run.summary?.error, 40)}`;
  }
}

/** The notebook-style output shown after a cell: its latest run's outcome. */
export function outcomeText(run: RunInfo, live?: { loss?: number }): string {
  const alone = runTrainsAlone(run);
  switch (run.status) {
    case 'running':
      return `⟳ running · ${progressText(run.progress, live?.loss, alone)}`;
    case 'done': {
      const metrics = keyMetrics(run.summary, alone);
      const time = run.summary ? ` · ${formatDuration(run.summary.durationMs)}` : '';
      return `✓ done${metrics ? ` · ${metrics}` : ''}${time}`;
    }
    case 'stopped':
      return `■ ${runDescription(run)} · resume it from the Runs view`;
    case 'failed':
      return run.crashed
        ? '✗ the runner exited without finishing (crash or kill) · resume continues from the last checkpoint'
        : `✗ failed: ${shortError(run.error ?? run.summary?.error)}`;
  }
}

/** "3 runs · best student 91.2%": the lens that opens the comparison of a cell's runs. */
export function runsLensText(runs: RunInfo[]): string {
  const best = runs
    .map((r) => studentAccuracy(r.summary))
    .filter((a): a is number => a !== undefined)
    .reduce<number | undefined>((m, a) => (m === undefined || a > m ? a : m), undefined);
  const count = `${runs.length} run${runs.length === 1 ? '' : 's'}`;
  const word = productWord(runs.length > 0 && runs.every(runTrainsAlone));
  return best === undefined ? count : `${count} · best ${word} ${percent(best)}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** A run's summary as a Markdown table, for tree tooltips. */
export function runTooltipMarkdown(run: RunInfo): string {
  const lines = [
    `**${escapeMarkdown(run.experiment)}** · run \`${run.runId}\` · ${run.status}${run.crashed ? ' (crashed)' : ''}`,
    '',
  ];
  const summary = run.summary;
  if (summary && Object.keys(summary.models).length > 0) {
    lines.push(
      '| model | test acc (best val) | epoch | test acc (last) | params |',
      '| --- | ---: | ---: | ---: | ---: |',
    );
    const alone = runTrainsAlone(run);
    for (const [stage, m] of Object.entries(summary.models)) {
      const shown = escapeMarkdown(stageWord(stage, alone));
      const name = stage === summary.product ? (alone ? `**${shown}**` : `**${shown}** (distilled)`) : shown;
      // A loaded or reused model was not trained here: no epoch.
      const epoch = m.best.epoch > 0 ? String(m.best.epoch) : '—';
      lines.push(
        `| ${name} | ${formatPercent(m.best.test)} | ${epoch} | ${formatPercent(m.last.test)} | ${m.summary.params.toLocaleString('en-US')} |`,
      );
    }
    lines.push('');
    const facts: string[] = [];
    if (summary.kdGain !== undefined) facts.push(`KD gain over baseline: **${formatPoints(summary.kdGain)}**`);
    if (summary.agreement !== undefined) facts.push(`agreement with teacher: ${formatPercent(summary.agreement)}`);
    if (summary.klTeacherStudent !== undefined)
      facts.push(`KL(teacher‖student): ${formatNumber(summary.klTeacherStudent)}`);
    if (summary.compressionRatio !== undefined) facts.push(`compression: ${formatRatio(summary.compressionRatio)}`);
    const speedup = speedupText(summary);
    if (speedup) facts.push(`speed-up: ${speedup}`);
    if (summary.reference) facts.push(`teacher figures against ${escapeMarkdown(summary.reference.label)}`);
    facts.push(`backend ${summary.backend} · ${formatDuration(summary.durationMs)}`);
    lines.push(facts.join('  \n'));
  } else if (run.status === 'running') {
    lines.push(progressText(run.progress));
  }
  const error = run.error ?? summary?.error;
  if (run.status === 'failed' && error) lines.push('', `Error: ${escapeMarkdown(shortError(error, 300))}`);
  return lines.join('\n');
}
