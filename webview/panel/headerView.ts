// The panel's header (experiment, status, run, progress), the describe notice and the log.
import type { PanelViewModel, StageView } from '../../src/protocol/webview';
import { clear, h } from '../shared/dom';
import { formatDuration } from '../../src/shared/format';

function progressOf(stage: StageView): { fraction: number; text: string } | undefined {
  const total = stage.plannedEpochs * stage.stepsPerEpoch;
  const n = stage.loss.step.length;
  if (total <= 0 || n === 0) return undefined;
  const epoch = stage.loss.epoch[n - 1];
  const done = stage.loss.step[n - 1];
  const step = stage.stepsPerEpoch > 0 ? done - (epoch - 1) * stage.stepsPerEpoch : done;
  const rate = stage.samplesPerSec ? ` · ${Math.round(stage.samplesPerSec)} samples/s` : '';
  return {
    fraction: Math.min(1, done / total),
    text: `${stage.name}: epoch ${epoch}/${stage.plannedEpochs} · step ${step}/${stage.stepsPerEpoch}${rate}`,
  };
}

export class HeaderView {
  readonly element: HTMLElement;
  private readonly title = h('h1', { 'data-title': true });
  private readonly status = h('span', { class: 'status', role: 'status' });
  private readonly meta = h('div', { class: 'meta' });
  private readonly progress = h('div', { class: 'progress', hidden: true });
  private readonly bar = h('vscode-progress-bar', { 'aria-label': 'Stage progress' }) as HTMLElement & {
    value?: number;
    max: number;
  };
  private readonly progressText = h('span', { class: 'muted' });
  private readonly notice = h('div', {});

  constructor() {
    this.progress.append(this.bar, this.progressText);
    this.element = h(
      'header',
      {},
      h('div', { class: 'panel-header' }, this.title, this.status, this.meta, this.progress),
      this.notice,
    );
  }

  update(view: PanelViewModel): void {
    this.title.textContent = view.title;
    const run = view.run;
    this.status.hidden = !run;
    if (run) {
      this.status.textContent = run.status;
      this.status.dataset.status = run.status;
    }
    const parts: string[] = [];
    if (run?.runId) parts.push(`run ${run.runId}`);
    if (run?.backend) parts.push(`backend ${run.backend}`);
    if (run?.startedAt) {
      parts.push(`started ${new Date(run.startedAt).toLocaleString()}`);
      const end = run.endedAt ? Date.parse(run.endedAt) : run.status === 'running' ? Date.now() : undefined;
      if (end !== undefined) parts.push(formatDuration(end - Date.parse(run.startedAt)));
    }
    if (!run) parts.push(view.describe.status === 'pending' ? 'reading the architecture' : 'not run yet');
    this.meta.textContent = parts.join(' · ');

    const running =
      run?.status === 'running' ? [...view.stages].reverse().find((s) => s.status === 'running') : undefined;
    const progress = running ? progressOf(running) : undefined;
    this.progress.hidden = !progress;
    if (progress) {
      this.bar.max = 1;
      this.bar.value = progress.fraction;
      this.progressText.textContent = progress.text;
    }
    this.renderNotice(view);
  }

  private renderNotice(view: PanelViewModel): void {
    clear(this.notice);
    const { describe, run } = view;
    if (describe.status === 'pending' && Object.keys(view.models).length === 0) {
      this.notice.append(h('div', { class: 'notice', role: 'status' }, 'Reading the architecture of the experiment…'));
    } else if (describe.status === 'error') {
      this.notice.append(
        h(
          'div',
          { class: 'notice error', role: 'alert', 'data-describe-error': true },
          `The architecture could not be read: ${describe.message ?? 'unknown error'}`,
        ),
      );
    }
    if (run?.error)
      this.notice.append(h('div', { class: 'notice error', role: 'alert' }, `The run ${run.status}: ${run.error}`));
  }
}

export class LogView {
  readonly element: HTMLElement;
  private readonly list = h('ol', { class: 'log', 'aria-label': 'Run log' });
  private shown?: PanelViewModel['logs'];

  constructor() {
    this.element = h('div', {}, this.list);
  }

  update(view: PanelViewModel): void {
    if (view.logs === this.shown) return;
    this.shown = view.logs;
    clear(this.list);
    if (view.logs.length === 0) this.list.append(h('li', { class: 'muted' }, 'No log lines.'));
    for (const line of view.logs) {
      this.list.append(
        h(
          'li',
          { 'data-level': line.level },
          `${new Date(line.time).toLocaleTimeString()}  ${line.level.padEnd(5)}  ${line.message}`,
        ),
      );
    }
  }
}
