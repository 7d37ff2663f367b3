// The run comparison's bundle in headless Chromium, fed rows built from recorded runs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { RunEvent } from '../../src/protocol/events';
import type { CompareRunView, CompareViewModel, CompareWebviewState } from '../../src/protocol/webview';
import { compareRunOf, COMPARE_COLUMNS } from '../../src/shared/compare/model';
import { FIXTURES, readFixtureEvents } from './fixtures/read';
import { buildWebviews, ROOT, startHarness, type WebviewHarness, type WebviewPage } from './harness';

const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

function rowOf(name: string, runDir: string, cut?: (events: RunEvent[]) => RunEvent[]): CompareRunView {
  const all = readFixtureEvents(name);
  const events = cut ? cut(all) : all;
  const summary = events.find((e): e is Extract<RunEvent, { type: 'summary' }> => e.type === 'summary')?.summary;
  const start = events.find((e): e is Extract<RunEvent, { type: 'run-start' }> => e.type === 'run-start');
  return compareRunOf({
    runDir,
    runId: start?.runId ?? runDir,
    experiment: start?.experiment ?? name,
    status: summary ? summary.status : 'running',
    summary,
    events,
  });
}

describe('run comparison webview', function () {
  this.timeout(180_000);
  let harness: WebviewHarness;
  let page: WebviewPage;
  const runs = [rowOf(FIXTURES.mlp, '/runs/mlp/1'), rowOf(FIXTURES.lenet, '/runs/lenet/1')];
  const view: CompareViewModel = { title: 'Run comparison', runs };

  before(async () => {
    buildWebviews();
    harness = await startHarness();
  });

  after(async () => harness?.close());

  beforeEach(async () => {
    page = await harness.open('compare', { theme: 'light' });
    await page.send({ type: 'compare/view', view });
    await page.page.waitForSelector('tr[data-run]');
  });

  afterEach(async () => {
    assert.deepStrictEqual(await page.violations(), []);
    assert.deepStrictEqual(page.errors, []);
    await page.page.close();
  });

  it('shows the runs side by side and stars the best value of each metric', async () => {
    assert.strictEqual((await page.posted())[0].type, 'ready');
    assert.deepStrictEqual(
      await page.page.$$eval('tr[data-run]', (rows) => rows.map((r) => (r as HTMLElement).dataset.run)),
      runs.map((r) => r.runDir),
    );
    const headers = await page.page.$$eval('th[data-column]', (ths) =>
      ths.map((t) => (t as HTMLElement).dataset.column),
    );
    assert.deepStrictEqual(
      headers,
      COMPARE_COLUMNS.map((c) => c.key),
    );
    const cell = (run: string, column: string) =>
      page.page.$eval(`tr[data-run="${run}"] td[data-column="${column}"]`, (e) => ({
        value: (e as HTMLElement).dataset.value,
        best: e.classList.contains('best'),
      }));
    // Each metric's best is starred on the run that holds it, in the direction that metric improves.
    const [mlp, lenet] = runs;
    assert.ok(mlp.student && lenet.student);
    const bestStudent = mlp.student.best > lenet.student.best ? mlp : lenet;
    const other = bestStudent === mlp ? lenet : mlp;
    assert.deepStrictEqual(await cell(bestStudent.runDir, 'studentBest'), {
      value: String(bestStudent.student?.best),
      best: true,
    });
    assert.strictEqual((await cell(other.runDir, 'studentBest')).best, false);
    const fewerParams = (mlp.params ?? 0) < (lenet.params ?? 0) ? mlp : lenet;
    assert.strictEqual((await cell(fewerParams.runDir, 'params')).best, true, 'fewer parameters is better');
    const lowerKl = (mlp.klTeacherStudent ?? 0) < (lenet.klTeacherStudent ?? 0) ? mlp : lenet;
    assert.strictEqual((await cell(lowerKl.runDir, 'kl')).best, true, 'lower KL is better');
    assert.strictEqual((await cell(mlp.runDir, 'kdGain')).value, String(mlp.kdGain));
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.page.screenshot({ path: path.join(SCREENSHOTS, 'compare-light.png'), fullPage: true });
    fs.copyFileSync(
      path.join(SCREENSHOTS, 'compare-light.png'),
      path.join(ROOT, 'media', 'screenshot-panel-compare.png'),
    );
  });

  it('sorts by a column from its header, both ways, and keeps the order in its state', async () => {
    const order = () => page.page.$$eval('tr[data-run]', (rows) => rows.map((r) => (r as HTMLElement).dataset.run));
    await page.page.click('button[data-sort="params"]');
    const ascending = [...runs].sort((a, b) => (a.params ?? 0) - (b.params ?? 0)).map((r) => r.runDir);
    assert.deepStrictEqual(await order(), ascending);
    assert.strictEqual(
      await page.page.$eval('th[data-column="params"]', (e) => e.getAttribute('aria-sort')),
      'ascending',
    );
    await page.page.click('button[data-sort="params"]');
    assert.deepStrictEqual(await order(), [...ascending].reverse());
    const state = await page.page.evaluate(
      () => (window as unknown as { __kd: { state: CompareWebviewState } }).__kd.state,
    );
    assert.deepStrictEqual(state.sort, { column: 'params', descending: true });
    assert.deepStrictEqual(
      state.runDirs,
      runs.map((r) => r.runDir),
    );
  });

  it('overlays one validation curve per run and exports them', async () => {
    const series = await page.page.$$eval('[data-chart="curves"] .u-series[role="switch"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.series),
    );
    assert.deepStrictEqual(
      series,
      runs.map((r) => r.runDir),
    );
    const epochs = new Set(runs.flatMap((r) => r.valCurve.epoch));
    assert.strictEqual(
      await page.page.$eval('[data-chart="curves"]', (e) => Number((e as HTMLElement).dataset.points)),
      epochs.size,
    );
    await page.page.click('[data-export="curves.csv"]');
    await page.page.click('[data-export="table.csv"]');
    await page.page.waitForFunction(
      () =>
        (window as unknown as { __kd: { posted: { type: string }[] } }).__kd.posted.filter((m) => m.type === 'export')
          .length >= 2,
    );
    const exports = (await page.posted<{ type: string; fileName?: string; data?: string }>()).filter(
      (m) => m.type === 'export',
    );
    const curves = exports.find((m) => m.fileName === 'validation-curves.csv');
    assert.ok(curves?.data);
    const lines = curves.data.trim().split('\n');
    assert.strictEqual(
      lines.length - 1,
      runs.reduce((n, r) => n + r.valCurve.epoch.length, 0),
    );
    assert.strictEqual(
      lines[1],
      `${runs[0].runDir},${runs[0].experiment},${runs[0].runId},${runs[0].valCurve.epoch[0]},${runs[0].valCurve.valAcc[0]}`,
    );
    const table = exports.find((m) => m.fileName === 'run-comparison.csv');
    assert.ok(table?.data);
    assert.strictEqual(table.data.split('\n')[0], COMPARE_COLUMNS.map((c) => c.key).join(','));
  });

  it('updates a row as its run progresses and asks the host to open a run', async () => {
    const partial = rowOf(FIXTURES.lenet, '/runs/lenet/2', (events) =>
      events.slice(
        0,
        events.findIndex((e) => e.type === 'stage-start' && e.stage === 'baseline'),
      ),
    );
    await page.send({ type: 'compare/run', run: partial });
    await page.page.waitForSelector('tr[data-run="/runs/lenet/2"]');
    assert.strictEqual(
      await page.page.$eval('tr[data-run="/runs/lenet/2"] td[data-column="status"]', (e) => e.textContent),
      'running',
    );
    assert.strictEqual(
      await page.page.$eval('tr[data-run="/runs/lenet/2"] td[data-column="kdGain"]', (e) => e.textContent),
      '—',
    );
    await page.send({ type: 'compare/run', run: { ...rowOf(FIXTURES.lenet, '/runs/lenet/2') } });
    await page.page.waitForFunction(
      () => document.querySelector('tr[data-run="/runs/lenet/2"] td[data-column="status"]')?.textContent === 'done',
    );
    await page.page.click('tr[data-run="/runs/mlp/1"] button.open-run');
    const opened = (await page.posted<{ type: string; runDir?: string }>()).filter((m) => m.type === 'openRun');
    assert.deepStrictEqual(opened, [{ type: 'openRun', runDir: '/runs/mlp/1' }]);
  });
});
