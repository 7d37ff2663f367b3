// The experiment panel's bundle in headless Chromium, fed recorded runs through the stand-in API.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { RunEvent, RunSummary } from '../../src/protocol/events';
import type { PanelViewModel, PanelWebviewState } from '../../src/protocol/webview';
import { emptyView, reduceAll, withDescribedModels } from '../../src/shared/panel/model';
import { layerGroups } from '../../src/shared/panel/groups';
import { formatPercent, formatPoints } from '../../src/shared/format';
import { FIXTURES, readFixtureEvents, readFixtureModels } from './fixtures/read';
import { buildWebviews, ROOT, startHarness, type WebviewHarness, type WebviewPage } from './harness';

const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

function summaryOf(events: RunEvent[]): RunSummary {
  const event = events.find((e): e is Extract<RunEvent, { type: 'summary' }> => e.type === 'summary');
  assert.ok(event, 'the fixture has a summary');
  return event.summary;
}

function stepsOf(events: RunEvent[], stage: string): Extract<RunEvent, { type: 'step' }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: 'step' }> => e.type === 'step' && e.stage === stage);
}

/** Parses the panel's CSV (no quoted fields in these exports). */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

describe('experiment panel webview', function () {
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
    // Every page must run without script errors and without anything the CSP blocked.
    for (const page of pages.splice(0)) {
      const violations = await page.violations();
      const errors = page.errors.slice();
      await page.page.close();
      assert.deepStrictEqual(violations, [], 'CSP violations');
      assert.deepStrictEqual(errors, [], 'page errors');
    }
  });

  async function open(options?: Parameters<WebviewHarness['open']>[1]): Promise<WebviewPage> {
    const page = await harness.open('panel', options);
    pages.push(page);
    return page;
  }

  /** Opens the panel on a stored run, the way the host does: the whole view, then live events. */
  async function openRun(events: RunEvent[], options?: Parameters<WebviewHarness['open']>[1]): Promise<WebviewPage> {
    const page = await open(options);
    await page.send({ type: 'panel/view', view: emptyView({ kind: 'run', runDir: '/runs/x/1' }) });
    await page.send({ type: 'panel/events', events });
    await page.settled(events.length);
    return page;
  }

  it('announces ready first and draws one block per layer of each model, and a link per matched pair', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const page = await openRun(events);
    const posted = await page.posted();
    assert.strictEqual(posted[0].type, 'ready');
    const models = events.find((e): e is Extract<RunEvent, { type: 'models' }> => e.type === 'models');
    assert.ok(models);
    for (const [name, summary] of Object.entries(models.models)) {
      const names = await page.page.$$eval(`.model-column[data-model="${name}"] .block[data-kind="layer"]`, (els) =>
        els.map((e) => (e as HTMLElement).dataset.layer),
      );
      assert.deepStrictEqual(
        names,
        summary.layers.map((l) => l.name),
        `${name} blocks`,
      );
    }
    const links = await page.page.$$eval('svg.links path[data-link]', (els) =>
      els.map((e) => [e.getAttribute('data-teacher-layer'), e.getAttribute('data-student-layer')]),
    );
    assert.deepStrictEqual(
      links,
      models.links.map((l) => [l.teacherLayer, l.studentLayer]),
    );
    const adapter = await page.page.$eval('.link-label', (e) => e.textContent ?? '');
    assert.ok(models.links[0].adapter && adapter.includes(models.links[0].adapter), `adapter shown: ${adapter}`);
    // The baseline trains the student's architecture: one column for both.
    assert.strictEqual(
      await page.page.$eval('.model-column[data-model="student"] h3', (e) => e.textContent),
      'student · baseline',
    );
    // Edges follow the inbound layers.
    const edges = await page.page.$$eval(
      '.model-column[data-model="teacher"] svg.edges path[data-edge]',
      (els) => els.length,
    );
    assert.strictEqual(
      edges,
      models.models.teacher.layers.reduce((n, l) => n + l.inbound.length, 0),
    );
  });

  it('shows the statistics of the summary and the capacity-gap warning', async () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const summary = summaryOf(events);
    const page = await openRun(events);
    const cell = (row: string, stage: string) =>
      page.page.$eval(`tr[data-row="${row}"] td[data-stage="${stage}"]`, (e) => ({
        text: e.textContent ?? '',
        value: (e as HTMLElement).dataset.value,
      }));
    for (const stage of ['teacher', 'student', 'baseline']) {
      const metrics = summary.models[stage];
      assert.deepStrictEqual(await cell('accBest', stage), {
        text: formatPercent(metrics.best.test),
        value: String(metrics.best.test),
      });
      assert.deepStrictEqual(await cell('accLast', stage), {
        text: formatPercent(metrics.last.test),
        value: String(metrics.last.test),
      });
      assert.strictEqual((await cell('params', stage)).value, String(metrics.summary.params));
      assert.strictEqual((await cell('latency', stage)).value, String(metrics.latencyMs));
    }
    assert.deepStrictEqual(await cell('kdGain', 'student'), {
      text: formatPoints(summary.kdGain),
      value: String(summary.kdGain),
    });
    assert.deepStrictEqual(await cell('agreement', 'student'), {
      text: formatPercent(summary.agreement),
      value: String(summary.agreement),
    });
    assert.strictEqual((await cell('kl', 'student')).value, String(summary.klTeacherStudent));
    const compression = Number((await cell('compression', 'student')).value);
    assert.ok(Math.abs(compression - (summary.compressionRatio ?? 0)) < 1e-3);
    // The speed-up is the summary's own figure, on the distilled student only; flagged, it reads "within noise".
    assert.strictEqual(Number((await cell('speedup', 'student')).value), summary.speedup);
    assert.deepStrictEqual(await cell('speedup', 'baseline'), { text: '', value: undefined });
    const noisy = await openRun(
      events.map((e) =>
        e.type === 'summary' ? { ...e, summary: { ...e.summary, speedup: undefined, speedupWithinNoise: true } } : e,
      ),
    );
    assert.deepStrictEqual(
      await noisy.page.$eval('tr[data-row="speedup"] td[data-stage="student"]', (e) => ({
        text: e.textContent ?? '',
        value: (e as HTMLElement).dataset.value,
      })),
      { text: 'within noise', value: undefined },
    );
    const warning = await page.page.$eval('[data-capacity-warning]', (e) => ({
      ratio: (e as HTMLElement).dataset.capacityWarning,
      text: e.textContent ?? '',
    }));
    const ratio = summary.models.teacher.summary.params / summary.models.student.summary.params;
    assert.strictEqual(warning.ratio, ratio.toFixed(2));
    assert.ok(warning.text.includes('Mirzadeh') && warning.text.includes('"scheme": "assistant"'), warning.text);
  });

  it('draws one series per loss term plus the total', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const page = await openRun(events);
    const series = await page.page.$$eval('[data-chart="loss"] .u-legend .u-series[role="switch"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.series),
    );
    const stage = events.find(
      (e): e is Extract<RunEvent, { type: 'stage-start' }> => e.type === 'stage-start' && e.stage === 'student',
    );
    assert.ok(stage);
    assert.deepStrictEqual(series, [...stage.terms, 'total']);
    const points = await page.page.$eval('[data-chart="loss"]', (e) => Number((e as HTMLElement).dataset.points));
    assert.strictEqual(points, stepsOf(events, 'student').length);
  });

  it('grows the charts as events arrive, batched per frame', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const page = await open();
    await page.send({ type: 'panel/view', view: emptyView({ kind: 'run', runDir: '/runs/x/1' }) });
    const teacherStart = events.findIndex((e) => e.type === 'stage-start' && e.stage === 'teacher');
    let sent = 0;
    const counts: number[] = [];
    for (const cut of [teacherStart + 6, teacherStart + 25, teacherStart + 60]) {
      // One event per message, as the host relays a live run.
      for (const event of events.slice(sent, cut)) await page.send({ type: 'panel/events', events: [event] });
      sent = cut;
      await page.settled(sent);
      counts.push(await page.page.$eval('[data-chart="loss"]', (e) => Number((e as HTMLElement).dataset.points)));
      const expected = stepsOf(events.slice(0, cut), 'teacher').length;
      assert.strictEqual(counts[counts.length - 1], expected, `after ${cut} events`);
    }
    assert.ok(counts[0] < counts[1] && counts[1] < counts[2], `growing: ${counts.join(', ')}`);
    assert.strictEqual(await page.page.$eval('.status', (e) => e.textContent), 'running');
  });

  it('exports the loss data as CSV that matches the events, and the chart as a PNG', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const page = await openRun(events);
    await page.page.click('[data-export="loss.csv"]');
    await page.page.click('[data-export="loss.png"]');
    await page.page.waitForFunction(
      () =>
        (window as unknown as { __kd: { posted: { type: string }[] } }).__kd.posted.filter((m) => m.type === 'export')
          .length >= 2,
    );
    const exports = (await page.posted<{ type: string; format?: string; fileName?: string; data?: string }>()).filter(
      (m) => m.type === 'export',
    );
    const csv = exports.find((m) => m.format === 'csv');
    assert.ok(csv?.data);
    assert.strictEqual(csv.fileName, 'mnist-lenet-hint-student-loss.csv');
    const rows = parseCsv(csv.data);
    const steps = stepsOf(events, 'student');
    const terms = Object.keys(steps[0].losses);
    assert.deepStrictEqual(rows[0], ['step', 'epoch', ...terms, 'total', 'lr']);
    assert.strictEqual(rows.length - 1, steps.length);
    steps.forEach((s, i) => {
      assert.deepStrictEqual(rows[i + 1].map(Number), [
        s.globalStep,
        s.epoch,
        ...terms.map((t) => s.losses[t]),
        s.total,
        s.lr,
      ]);
    });
    const png = exports.find((m) => m.format === 'png');
    assert.ok(png?.data);
    const bytes = Buffer.from(png.data, 'base64');
    assert.deepStrictEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.length > 2000, `a real image: ${bytes.length} bytes`);
  });

  it('opens a finished run with its full history from one view model', async () => {
    const events = readFixtureEvents(FIXTURES.mlp);
    const view: PanelViewModel = reduceAll(emptyView({ kind: 'run', runDir: '/runs/mnist/1' }), events);
    const page = await open();
    await page.send({ type: 'panel/view', view });
    await page.settled(0);
    assert.strictEqual(
      await page.page.$eval('[data-chart="loss"]', (e) => Number((e as HTMLElement).dataset.points)),
      stepsOf(events, 'student').length,
    );
    assert.strictEqual(await page.page.$eval('.status', (e) => e.textContent), 'done');
    const epochs = events.filter((e) => e.type === 'epoch' && e.stage === 'student').length;
    assert.strictEqual(
      await page.page.$eval('[data-chart="accuracy"]', (e) => Number((e as HTMLElement).dataset.points)),
      epochs,
    );
  });

  it('shows the architecture and sizes before a run, then fills in as the run measures', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const models = events.find((e): e is Extract<RunEvent, { type: 'models' }> => e.type === 'models');
    assert.ok(models);
    const page = await open();
    await page.send({
      type: 'panel/view',
      view: { ...emptyView({ kind: 'file', file: '/w/mnist-lenet-hint.kd.json' }), describe: { status: 'pending' } },
    });
    await page.settled(0);
    assert.ok(await page.page.isVisible('text=Reading the architecture'));
    await page.send({
      type: 'panel/view',
      view: withDescribedModels(emptyView({ kind: 'file', file: '/w/mnist-lenet-hint.kd.json' }), models),
    });
    await page.settled(0);
    assert.strictEqual(
      await page.page.$$eval('.block[data-kind="layer"]', (els) => els.length),
      models.models.teacher.layers.length + models.models.student.layers.length,
    );
    const params = await page.page.$eval(
      'tr[data-row="params"] td[data-stage="student"]',
      (e) => (e as HTMLElement).dataset.value,
    );
    assert.strictEqual(params, String(models.models.student.params));
    assert.strictEqual(
      await page.page.$eval('tr[data-row="accBest"] td[data-stage="student"]', (e) => e.textContent),
      '—',
    );
    await page.send({ type: 'panel/events', events });
    await page.settled(events.length);
    const summary = summaryOf(events);
    assert.strictEqual(
      await page.page.$eval('tr[data-row="accBest"] td[data-stage="student"]', (e) => (e as HTMLElement).dataset.value),
      String(summary.models.student.best.test),
    );
  });

  it('lays out branched models with collapsible groups of repeated blocks', async () => {
    const models = readFixtureModels(FIXTURES.resnet);
    const page = await open({ height: 1200 });
    await page.send({
      type: 'panel/view',
      view: withDescribedModels(emptyView({ kind: 'file', file: '/w/resnet.kd.json' }), models),
    });
    await page.settled(0);
    const teacher = models.models.teacher;
    const groups = layerGroups(teacher.layers);
    const grouped = groups.reduce((n, g) => n + g.layers.length, 0);
    const count = (selector: string) => page.page.$$eval(selector, (els) => els.length);
    assert.strictEqual(await count('.model-column[data-model="teacher"] .block[data-kind="group"]'), groups.length);
    assert.strictEqual(
      await count('.model-column[data-model="teacher"] .block[data-kind="layer"]'),
      teacher.layers.length - grouped,
    );
    // A link reaches into a collapsed group through the group's block.
    assert.strictEqual(await count('svg.links path[data-link]'), models.links.length);

    // Expanding one group from the keyboard.
    await page.page.focus(`.model-column[data-model="teacher"] .block[data-group="${groups[0].key}"]`);
    await page.page.keyboard.press('Enter');
    await page.page.waitForFunction(
      (n) => document.querySelectorAll('.model-column[data-model="teacher"] .block[data-kind="layer"]').length === n,
      teacher.layers.length - grouped + groups[0].layers.length,
    );
    assert.deepStrictEqual(
      (await page.page.evaluate(() => (window as unknown as { __kd: { state: PanelWebviewState } }).__kd.state)).ui
        .expandedGroups,
      [`teacher/${groups[0].key}`],
    );

    await page.page.click('[data-control="expand-groups"]');
    await page.page.waitForFunction(
      (n) => document.querySelectorAll('.model-column[data-model="teacher"] .block[data-kind="layer"]').length === n,
      teacher.layers.length,
    );
    // Residual adds draw both inbound edges: the branch and the shortcut.
    assert.strictEqual(
      await count('.model-column[data-model="teacher"] svg.edges path[data-edge]'),
      teacher.layers.reduce((n, l) => n + l.inbound.length, 0),
    );
    assert.strictEqual(
      await count('.model-column[data-model="student"] .block[data-kind="layer"]'),
      models.models.student.layers.length,
    );
    await page.page.screenshot({ path: path.join(SCREENSHOTS, 'panel-resnet-dark.png'), fullPage: true });

    // Sizing by MACs changes the blocks' heights (the stem has few parameters but many MACs).
    const stem = '.model-column[data-model="teacher"] .block[data-layer="stem"]';
    const before = await page.page.$eval(stem, (e) => (e as HTMLElement).offsetHeight);
    await page.page.click('[data-control="size-macs"]');
    await page.page.waitForFunction(
      ([sel, h]) => (document.querySelector(sel as string) as HTMLElement | null)?.offsetHeight !== h,
      [stem, before] as const,
    );
    assert.ok((await page.page.$eval(stem, (e) => (e as HTMLElement).offsetHeight)) > before);
  });

  it('asks the host to reveal a clicked layer, from the mouse or the keyboard, and shows details on hover', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const page = await openRun(events);
    const conv2 = '.model-column[data-model="student"] .block[data-layer="conv2"]';
    await page.page.click(conv2);
    await page.page.focus('.model-column[data-model="teacher"] .block[data-layer="fc1"]');
    await page.page.keyboard.press('Enter');
    const reveals = (await page.posted<{ type: string; stage?: string; layer?: string; index?: number }>()).filter(
      (m) => m.type === 'revealLayer',
    );
    assert.deepStrictEqual(reveals, [
      { type: 'revealLayer', stage: 'student', layer: 'conv2', index: 2 },
      { type: 'revealLayer', stage: 'teacher', layer: 'fc1', index: 5 },
    ]);
    await page.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.page.mouse.move(0, 0);
    await page.page.hover(conv2);
    const tooltip = await page.page.$eval('.tooltip', (e) => ({
      hidden: (e as HTMLElement).hidden,
      text: e.textContent ?? '',
    }));
    assert.strictEqual(tooltip.hidden, false);
    assert.ok(tooltip.text.includes('Conv2D conv2') && tooltip.text.includes('hint:conv2->conv2'), tooltip.text);
    assert.ok(
      await page.page.$eval('.model-column[data-model="teacher"] .block[data-layer="conv2"]', (e) =>
        e.classList.contains('highlight'),
      ),
      'the matched teacher layer is highlighted',
    );
    const label = await page.page.$eval(conv2, (e) => e.getAttribute('aria-label') ?? '');
    assert.ok(label.includes('Conv2D conv2') && label.includes('parameters'), label);
  });

  it('keeps its target and view choices in the saved state and restores them after a reload', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const page = await openRun(events);
    await page.page.$eval('[data-control="smoothing"]', (e) => {
      const input = e as HTMLInputElement;
      input.value = '0.6';
      input.dispatchEvent(new Event('input'));
    });
    // Hide the total from the legend.
    await page.page.click('[data-chart="loss"] .u-legend .u-series[data-series="total"]');
    const state = await page.page.evaluate(
      () => (window as unknown as { __kd: { state: PanelWebviewState } }).__kd.state,
    );
    assert.deepStrictEqual(state.target, { kind: 'run', runDir: '/runs/x/1' });
    assert.strictEqual(state.ui.smoothing, 0.6);
    assert.deepStrictEqual(state.ui.hiddenSeries, ['loss/total']);

    const reloaded = await open({ state });
    await reloaded.send({ type: 'panel/view', view: emptyView({ kind: 'run', runDir: '/runs/x/1' }) });
    await reloaded.send({ type: 'panel/events', events });
    await reloaded.settled(events.length);
    assert.strictEqual(
      await reloaded.page.$eval('[data-control="smoothing"]', (e) => (e as HTMLInputElement).value),
      '0.6',
    );
    assert.strictEqual(
      await reloaded.page.$eval('[data-chart="loss"] .u-series[data-series="total"]', (e) =>
        e.getAttribute('aria-checked'),
      ),
      'false',
    );
  });

  it('zooms by dragging and by keyboard, and decimates 100,000 points to the plot width', async () => {
    const n = 100_000;
    const view = emptyView({ kind: 'run', runDir: '/runs/big/1' });
    const loss = {
      step: [] as number[],
      epoch: [] as number[],
      terms: { ce: [] as (number | null)[], kd: [] as (number | null)[] },
      total: [] as number[],
      lr: [] as number[],
    };
    for (let i = 1; i <= n; i++) {
      const ce = 1 / Math.sqrt(i) + 0.05 * Math.sin(i / 50);
      const kd = 2 / Math.sqrt(i);
      loss.step.push(i);
      loss.epoch.push(1 + Math.floor((i - 1) / 1000));
      loss.terms.ce.push(ce);
      loss.terms.kd.push(kd);
      loss.total.push(ce + kd);
      loss.lr.push(0.001);
    }
    const big: PanelViewModel = {
      ...view,
      stages: [
        {
          name: 'student',
          role: 'student',
          plannedEpochs: 100,
          stepsPerEpoch: 1000,
          terms: ['ce', 'kd'],
          status: 'running',
          loss,
          history: { epoch: [], trainAcc: [], valAcc: [], trainLoss: [], valLoss: [], lr: [] },
        },
      ],
    };
    const page = await open();
    await page.send({ type: 'panel/view', view: big });
    await page.settled(0);
    const chart = '[data-chart="loss"]';
    const read = () =>
      page.page.$eval(chart, (e) => ({
        points: Number((e as HTMLElement).dataset.points),
        rendered: Number((e as HTMLElement).dataset.renderedPoints),
        width: (e.querySelector('.u-over') as HTMLElement).clientWidth,
      }));
    // Once its layout has settled, the chart draws at most two points per pixel column.
    await page.page
      .waitForFunction(
        (sel) => {
          const e = document.querySelector(sel) as HTMLElement;
          return Number(e.dataset.renderedPoints) <= 2 * (e.querySelector('.u-over') as HTMLElement).clientWidth + 2;
        },
        chart,
        { timeout: 5000 },
      )
      .catch(() => undefined);
    const first = await read();
    assert.strictEqual(first.points, n);
    assert.ok(first.rendered <= 2 * first.width + 2, `${first.rendered} points drawn for ${first.width} px`);

    // Drag-select the first tenth of the plot: the drawn points now cover a tenth of the steps.
    const over = await page.page.$(`${chart} .u-over`);
    const box = await over?.boundingBox();
    assert.ok(box);
    await page.page.mouse.move(box.x + 2, box.y + box.height / 2);
    await page.page.mouse.down();
    await page.page.mouse.move(box.x + box.width / 10, box.y + box.height / 2, { steps: 5 });
    await page.page.mouse.up();
    const range = () =>
      page.page.$eval(chart, (e) => ({
        min: Number((e as HTMLElement).dataset.xMin),
        max: Number((e as HTMLElement).dataset.xMax),
        rendered: Number((e as HTMLElement).dataset.renderedPoints),
      }));
    await page.page.waitForFunction(
      (sel) => Number((document.querySelector(sel) as HTMLElement).dataset.xMax) < 20_000,
      chart,
    );
    const zoomed = await range();
    assert.ok(zoomed.max - zoomed.min < n / 5, `zoomed to ${zoomed.min}..${zoomed.max}`);
    assert.ok(zoomed.rendered <= 2 * first.width + 4, 'the visible range is decimated again');
    // From the keyboard: Home resets, + zooms in around the centre, → pans right.
    await page.page.focus(chart);
    await page.page.keyboard.press('Home');
    assert.deepStrictEqual(await range().then((r) => [r.min, r.max]), [1, n]);
    await page.page.keyboard.press('+');
    const inner = await range();
    assert.ok(inner.min > 1 && inner.max < n, `zoomed in: ${inner.min}..${inner.max}`);
    await page.page.keyboard.press('ArrowRight');
    const panned = await range();
    assert.ok(
      panned.min > inner.min && Math.abs(panned.max - panned.min - (inner.max - inner.min)) < 1e-6,
      'panned, same span',
    );
    assert.deepStrictEqual(page.errors, []);
  });

  it('draws the augmented samples of a samples event pixel for pixel, and hides the section without one', async () => {
    const events = readFixtureEvents(FIXTURES.lenet);
    const plain = await openRun(events);
    assert.strictEqual(await plain.page.locator('[data-section="samples"]').isHidden(), true);
    // Two 2×3 RGB samples whose bytes are their own positions.
    const bytes = Uint8Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => i * 7);
    const samples: RunEvent = {
      type: 'samples',
      time: '2026-12-02T10:00:00.000Z',
      stage: 'student',
      epoch: 1,
      shape: [2, 3, 3],
      count: 2,
      pixels: Buffer.from(bytes).toString('base64'),
      ops: ['randomCrop', 'horizontalFlip'],
    };
    const page = await openRun([...events, samples]);
    const section = page.page.locator('[data-section="samples"]');
    assert.strictEqual(await section.isVisible(), true);
    assert.match(
      (await section.textContent()) ?? '',
      /2 training examples of stage student, epoch 1, after randomCrop → horizontalFlip/,
    );
    const drawn = await page.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLCanvasElement>('.samples-grid canvas')).map((c) =>
        Array.from(c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? []),
      ),
    );
    assert.strictEqual(drawn.length, 2);
    for (let s = 0; s < 2; s++) {
      const want: number[] = [];
      for (let p = 0; p < 6; p++) want.push(...Array.from(bytes.subarray(s * 18 + p * 3, s * 18 + p * 3 + 3)), 255);
      assert.deepStrictEqual(drawn[s], want, `sample ${s}`);
    }
  });

  it('renders in light, dark and high-contrast themes (screenshots)', async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const events = readFixtureEvents(FIXTURES.lenet);
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      const page = await openRun(events, { theme, height: 1000 });
      await page.page.waitForTimeout(200);
      const file = path.join(SCREENSHOTS, `panel-${theme}.png`);
      await page.page.screenshot({ path: file, fullPage: true });
      assert.ok(fs.statSync(file).size > 10_000);
      // Chart colours follow the theme: the canvas background stays the page's and the total line uses the editor foreground.
      const body = await page.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.strictEqual(
        body,
        { light: 'rgb(255, 255, 255)', dark: 'rgb(31, 31, 31)', 'high-contrast': 'rgb(0, 0, 0)' }[theme],
      );
    }
    // A theme switch while open rebuilds the charts without errors.
    const page = await openRun(events, { theme: 'dark' });
    await page.setTheme('light');
    await page.page.waitForTimeout(200);
    assert.strictEqual(
      await page.page.evaluate(() => getComputedStyle(document.body).backgroundColor),
      'rgb(255, 255, 255)',
    );
    fs.mkdirSync(path.join(ROOT, 'media'), { recursive: true });
    fs.copyFileSync(path.join(SCREENSHOTS, 'panel-dark.png'), path.join(ROOT, 'media', 'screenshot-panel.png'));
  });
});
