// How the experiment panel keeps up: opens the built panel in headless Chromium, pushes a run with
// 100,000 loss steps as one view model (initial render), then feeds 50 step events per second for a
// few seconds from inside the page, as a live run does, and records every animation frame.
// Needs dist/webview/panel.js (npm run build) and Debian's chromium. `npm run bench` runs it; alone:
//   npx tsx -e "require('./bench/webview/render').benchWebviewRendering().then(console.log)"
import * as fs from 'fs';
import * as path from 'path';
import type { PanelViewModel } from '../../src/protocol/webview';
import { emptyView } from '../../src/shared/panel/model';
import { ROOT, startHarness } from '../../test/webview/harness';

export const BENCH_POINTS = 100_000;
export const BENCH_EVENTS_PER_SECOND = 50;
export const BENCH_SECONDS = 4;

/** A stage with `n` steps of two loss terms, the total and the learning rate. */
function bigView(n: number): PanelViewModel {
  const view = emptyView({ kind: 'run', runDir: '/runs/bench/1' }, 'render benchmark');
  const loss = {
    step: new Array<number>(n),
    epoch: new Array<number>(n),
    terms: { ce: new Array<number | null>(n), kd: new Array<number | null>(n) },
    total: new Array<number>(n),
    lr: new Array<number>(n),
  };
  for (let i = 0; i < n; i++) {
    const s = i + 1;
    const ce = 1 / Math.sqrt(s) + 0.05 * Math.sin(s / 37);
    const kd = 2 / Math.sqrt(s) + 0.03 * Math.cos(s / 11);
    loss.step[i] = s;
    loss.epoch[i] = 1 + Math.floor(i / 1000);
    loss.terms.ce[i] = ce;
    loss.terms.kd[i] = kd;
    loss.total[i] = ce + kd;
    loss.lr[i] = 0.001;
  }
  return {
    ...view,
    run: { runId: 'bench', status: 'running', backendNotes: [], backend: 'wasm', startedAt: new Date().toISOString() },
    stages: [
      {
        name: 'student',
        role: 'student',
        plannedEpochs: 200,
        stepsPerEpoch: 1000,
        terms: ['ce', 'kd'],
        status: 'running',
        loss,
        history: { epoch: [], trainAcc: [], valAcc: [], trainLoss: [], valLoss: [], lr: [] },
      },
    ],
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface PageResult {
  initialRenderMs: number;
  frames: number[];
  longTasks: number;
  events: number;
  points: number;
  renderedPoints: number;
}

export async function benchWebviewRendering(): Promise<Record<string, number>> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'webview', 'panel.js')))
    throw new Error('dist/webview/panel.js is missing: run npm run build first');
  const harness = await startHarness();
  try {
    const page = await harness.open('panel', { theme: 'dark', width: 1280, height: 900 });
    await page.page.evaluate(() => {
      const w = window as unknown as { __bench: { t0?: number; t1?: number } };
      w.__bench = {};
      window.addEventListener('message', () => (w.__bench.t0 ??= performance.now()));
      new MutationObserver(() => {
        if (document.body.dataset.settled === '1:0') w.__bench.t1 ??= performance.now();
      }).observe(document.body, { attributes: true, attributeFilter: ['data-settled'] });
    });
    await page.send({ type: 'panel/view', view: bigView(BENCH_POINTS) });
    await page.settled(0);

    const result = await page.page.evaluate(
      async ({ rate, seconds, first }) => {
        const w = window as unknown as { __bench: { t0: number; t1: number }; __kd: { send(m: unknown): void } };
        const frames: number[] = [];
        let longTasks = 0;
        const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
        try {
          observer.observe({ entryTypes: ['longtask'] });
        } catch {
          // longtask entries are not available everywhere
        }
        let last = performance.now();
        let running = true;
        const tick = (now: number) => {
          frames.push(now - last);
          last = now;
          if (running) requestAnimationFrame(tick);
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
        let step = first;
        let sent = 0;
        const total = rate * seconds;
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            step++;
            const ce = 1 / Math.sqrt(step);
            const kd = 2 / Math.sqrt(step);
            w.__kd.send({
              type: 'panel/events',
              events: [
                {
                  type: 'step',
                  time: new Date().toISOString(),
                  stage: 'student',
                  epoch: 1 + Math.floor((step - 1) / 1000),
                  step: ((step - 1) % 1000) + 1,
                  stepsPerEpoch: 1000,
                  globalStep: step,
                  losses: { ce, kd },
                  total: ce + kd,
                  lr: 0.001,
                  samplesPerSec: 350,
                },
              ],
            });
            if (++sent >= total) {
              clearInterval(timer);
              resolve();
            }
          }, 1000 / rate);
        });
        // Let the last events reach the screen (redraws of a long history are spaced out).
        const chart = document.querySelector('[data-chart="loss"]') as HTMLElement;
        const deadline = performance.now() + 2000;
        while (Number(chart.dataset.points) < first + sent && performance.now() < deadline)
          await new Promise((r) => requestAnimationFrame(r));
        running = false;
        observer.disconnect();
        return {
          initialRenderMs: w.__bench.t1 - w.__bench.t0,
          frames,
          longTasks,
          events: sent,
          points: Number(chart.dataset.points),
          renderedPoints: Number(chart.dataset.renderedPoints),
        } satisfies PageResult;
      },
      { rate: BENCH_EVENTS_PER_SECOND, seconds: BENCH_SECONDS, first: BENCH_POINTS },
    );

    if (result.points !== BENCH_POINTS + result.events)
      throw new Error(`the chart holds ${result.points} points, expected ${BENCH_POINTS + result.events}`);
    if (page.errors.length > 0) throw new Error(`the panel reported errors: ${page.errors.join('; ')}`);
    const frames = result.frames.slice().sort((a, b) => a - b);
    const budget = 1000 / 60;
    // A frame that took k vsync intervals dropped k - 1 of them.
    const dropped = result.frames.reduce((n, f) => n + Math.max(0, Math.round(f / budget) - 1), 0);
    return {
      points: BENCH_POINTS,
      initialRenderMs: Number(result.initialRenderMs.toFixed(1)),
      eventsPerSecond: BENCH_EVENTS_PER_SECOND,
      eventsApplied: result.events,
      frames: result.frames.length,
      meanFrameMs: Number((result.frames.reduce((a, b) => a + b, 0) / Math.max(1, result.frames.length)).toFixed(2)),
      p95FrameMs: Number(percentile(frames, 95).toFixed(2)),
      maxFrameMs: Number((frames[frames.length - 1] ?? 0).toFixed(2)),
      droppedFrames: dropped,
      longTasks: result.longTasks,
      pointsDrawn: result.renderedPoints,
    };
  } finally {
    await harness.close();
  }
}
