// The panel's charts as a reader needs them, in headless Chromium: losses on a log axis when they
// span decades (with a toggle), validation loss per epoch with the baseline overlaid, epoch
// boundaries and resume points marked, single values drawn as dots; and the statistics table laid
// out for the width the panel has.
import * as assert from 'assert';
import type { RunEvent } from '../../src/protocol/events';
import { emptyView } from '../../src/shared/panel/model';
import { FIXTURES, readFixtureEvents } from './fixtures/read';
import { buildWebviews, startHarness, type WebviewHarness, type WebviewPage } from './harness';

type Step = Extract<RunEvent, { type: 'step' }>;

function isStep(e: RunEvent, stage: string): e is Step {
  return e.type === 'step' && e.stage === stage;
}

describe('experiment panel charts and layout', function () {
  this.timeout(180_000);
  let harness: WebviewHarness;
  const pages: WebviewPage[] = [];

  before(async () => {
    buildWebviews();
    harness = await startHarness();
  });

  after(async () => {
    await harness?.close();
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) {
      const errors = page.errors.slice();
      await page.page.close();
      assert.deepStrictEqual(errors, [], 'page errors');
    }
  });

  async function openRun(events: RunEvent[], options?: Parameters<WebviewHarness['open']>[1]): Promise<WebviewPage> {
    const page = await harness.open('panel', options);
    pages.push(page);
    await page.send({ type: 'panel/view', view: emptyView({ kind: 'run', runDir: '/runs/x/1' }) });
    await page.send({ type: 'panel/events', events });
    await page.settled(events.length);
    return page;
  }

  const chartData = (page: WebviewPage, id: string) =>
    page.page.$eval(`[data-chart="${id}"]`, (e) => ({ ...(e as HTMLElement).dataset }));

  it('draws losses on a log axis when they span more than two decades, and the toggle switches it', async () => {
    // Losses within one decade (each term between 0.3 and 0.6) stay on a linear axis.
    const plain = readFixtureEvents(FIXTURES.mlp).map((e) => {
      if (!isStep(e, 'student')) return e;
      const level = 0.3 + 0.3 * Math.exp(-e.globalStep / 100);
      const losses = Object.fromEntries(Object.keys(e.losses).map((k) => [k, level]));
      return { ...e, losses, total: level * Object.keys(losses).length };
    });
    const linear = await openRun(plain);
    assert.strictEqual((await chartData(linear, 'loss')).scale, 'linear', 'the recorded losses stay linear');
    // The first steps' spike, as a fresh network gives: 1000 times the loss.
    let spiked = 0;
    const events = plain.map((e) => {
      if (!isStep(e, 'student') || spiked >= 3) return e;
      spiked++;
      const losses = Object.fromEntries(Object.entries(e.losses).map(([k, v]) => [k, v * 1000]));
      return { ...e, total: e.total * 1000, losses };
    });
    const page = await openRun(events);
    assert.strictEqual((await chartData(page, 'loss')).scale, 'log');
    assert.strictEqual(await page.page.isChecked('[data-control="log-scale"]'), true);
    await page.page.click('[data-control="log-scale"]');
    await page.page.waitForSelector('[data-chart="loss"][data-scale="linear"]');
    const state = await page.page.evaluate(
      () => (window as unknown as { __kd: { state?: { ui?: { lossScale?: string } } } }).__kd.state,
    );
    assert.strictEqual(state?.ui?.lossScale, 'linear', 'the choice is kept in the saved state');
  });

  it('charts validation loss per epoch with the baseline overlaid, and marks epoch boundaries', async () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const page = await openRun(events);
    const epochsOf = (stage: string) =>
      events.filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch' && e.stage === stage);
    const student = epochsOf('student');
    assert.ok(
      student.every((e) => e.valLoss !== null),
      'the engine emits validation loss per epoch',
    );
    const card = page.page.locator('[data-card="epoch-loss"]');
    const legend = (await card.locator('.u-legend').textContent()) ?? '';
    assert.match(legend, /student validation/);
    assert.match(legend, /baseline validation/);
    assert.strictEqual(Number((await chartData(page, 'epoch-loss')).points), student.length);
    const steps = events.filter((e) => isStep(e, 'student'));
    const boundaries = steps.filter((s, i) => i > 0 && s.epoch !== steps[i - 1].epoch).length;
    assert.strictEqual(boundaries, student.length - 1);
    assert.strictEqual(Number((await chartData(page, 'loss')).epochMarkers), boundaries);
  });

  it('marks where a resumed run carried on, in the loss and accuracy charts', async () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const steps = events.filter((e) => isStep(e, 'student'));
    const resumeFrom = steps.find((s) => s.epoch === 3);
    assert.ok(resumeFrom);
    // Stopped in epoch 3 after a few steps; resumed from the checkpoint at the end of epoch 2.
    const cut = events.indexOf(resumeFrom) + 5;
    const start = events.find((e) => e.type === 'run-start');
    const stageStart = events.find((e) => e.type === 'stage-start' && e.stage === 'student');
    assert.ok(start && stageStart && stageStart.type === 'stage-start');
    const resumed: RunEvent[] = [
      ...events.slice(0, cut),
      { ...start, resumed: true },
      { ...stageStart, startEpoch: 3 },
      ...events.slice(events.indexOf(resumeFrom)),
    ];
    const page = await openRun(resumed);
    assert.strictEqual((await chartData(page, 'loss')).resumeMarkers, String(resumeFrom.globalStep));
    assert.strictEqual((await chartData(page, 'accuracy')).resumeMarkers, '3');
    assert.strictEqual(
      Number((await chartData(page, 'loss')).points),
      steps.length,
      'the replayed steps replace the first attempt',
    );
  });

  it('shows a single epoch as a dot', async () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const firstEpoch = events.findIndex((e) => e.type === 'epoch' && e.stage === 'student');
    const page = await openRun(events.slice(0, firstEpoch + 1));
    assert.strictEqual(Number((await chartData(page, 'accuracy')).points), 1);
    // The validation series' colour, from its legend marker; then the canvas pixels of that colour.
    const drawn = await page.page.$eval('[data-card="accuracy"]', (card) => {
      const marker = card.querySelector('.u-legend [data-series$=":val"] .u-marker') as HTMLElement;
      const [r, g, b] = (getComputedStyle(marker).borderColor.match(/\d+/g) ?? []).map(Number);
      const canvas = card.querySelector('canvas') as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let count = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30 && data[i + 3] > 200)
          count++;
      return count;
    });
    assert.ok(drawn >= 9, `the single validation value is drawn as a dot (${drawn} pixels of its colour)`);
  });

  it('lays the statistics table out within a half-width panel, baseline column included', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    for (const width of [520, 640]) {
      const page = await openRun(events, { width });
      const fit = await page.page.$eval('table.stats', (table) => {
        const wrap = table.parentElement as HTMLElement;
        const baseline = table.querySelector('th[data-stage="baseline"]') as HTMLElement | null;
        return {
          scroll: wrap.scrollWidth,
          client: wrap.clientWidth,
          baselineRight: baseline?.getBoundingClientRect().right ?? Infinity,
          viewport: window.innerWidth,
        };
      });
      assert.ok(fit.scroll <= fit.client, `at ${width} px the table fits: ${fit.scroll} > ${fit.client}`);
      assert.ok(fit.baselineRight <= fit.viewport, `at ${width} px the baseline column is visible`);
    }
  });
});
