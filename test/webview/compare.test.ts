// The run comparison's bundle in headless Chromium, fed the view model the host builds from a
// generated run store of a sweep (temperature × width × 3 seeds, one run failed, one running).
// Every figure the view shows is checked against numbers computed here from what the store holds.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CompareViewModel, CompareWebviewState } from '../../src/protocol/webview';
import { hostRunFromDisk } from '../../src/extension/compare/runRow';
import { buildCompareView } from '../../src/extension/compare/viewModel';
import { writeSweepStore, type FixtureRun } from './fixtures/sweepStore';
import { buildWebviews, ROOT, startHarness, type WebviewHarness, type WebviewPage } from './harness';

const T_KEY = 'distill.losses[1].temperature';
const W_KEY = 'student.hidden';
/** Student-t 0.975 quantiles (tables), for the 95% CI with n − 1 degrees of freedom. */
const T975: Record<number, number> = { 1: 12.706204736174705, 2: 4.302652729911275 };

function stats(values: number[]) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const half = (T975[n - 1] ?? NaN) * (std / Math.sqrt(n));
  return { n, mean, std, ci: [mean - half, mean + half] as [number, number] };
}

function close(actual: unknown, expected: number, what: string): void {
  assert.ok(Math.abs(Number(actual) - expected) < 1e-9, `${what}: ${String(actual)} ≠ ${expected}`);
}

/** One CSV line (RFC 4180 quoting), parsed independently of the exporter. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

type Kd = { __kd: { state: CompareWebviewState; posted: { type: string; fileName?: string; data?: string }[] } };

describe('run comparison webview', function () {
  this.timeout(180_000);
  let harness: WebviewHarness;
  let page: WebviewPage;
  let store: string;
  let fixture: FixtureRun[];
  let view: CompareViewModel;
  /** The finished runs of each (temperature, width) setting. */
  const settings = new Map<string, FixtureRun[]>();

  before(async () => {
    buildWebviews();
    store = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-compare-'));
    fixture = writeSweepStore(store, { running: true, failed: true });
    view = buildCompareView(fixture.map((r) => hostRunFromDisk(r.runDir)));
    for (const run of fixture) {
      if (run.status !== 'done') continue;
      const key = `${run.temperature}/${run.hidden}`;
      settings.set(key, [...(settings.get(key) ?? []), run]);
    }
    harness = await startHarness();
  });

  after(async () => {
    await harness?.close();
    fs.rmSync(store, { recursive: true, force: true });
  });

  beforeEach(async () => {
    page = await harness.open('compare', { theme: 'light', width: 1400, height: 1000 });
    await page.send({ type: 'compare/view', view });
    await page.page.waitForSelector('tr[data-row]');
  });

  afterEach(async () => {
    assert.deepStrictEqual(await page.violations(), []);
    assert.deepStrictEqual(page.errors, []);
    await page.page.close();
  });

  const rowIds = () =>
    page.page.$$eval('tr[data-row]', (rows) => rows.map((r) => (r as HTMLElement).dataset.row ?? ''));
  const state = () => page.page.evaluate(() => (window as unknown as Kd).__kd.state);
  const groupId = (t: number, w: number) => `group:sweep-t-w${JSON.stringify({ [T_KEY]: t, [W_KEY]: `[${w}]` })}`;

  it('groups runs by seed with mean ± std, n and the paired KD gain’s 95% CI, marked when it excludes 0', async () => {
    // 6 settings, plus the failed and the running run on rows of their own (groups hold finished runs).
    assert.strictEqual((await rowIds()).length, 8);
    let marked = 0;
    for (const [key, runs] of settings) {
      const [t, w] = key.split('/').map(Number) as [number, number];
      const id = groupId(t, w);
      const cell = (column: string) =>
        page.page.$eval(`tr[data-row='${id}'] td[data-column="${column}"]`, (e) => ({
          ...(e as HTMLElement).dataset,
          text: e.textContent ?? '',
          significant: e.classList.contains('significant'),
        }));
      const acc = stats(runs.map((r) => r.student?.best ?? NaN));
      const student: Record<string, string | boolean> = await cell('student.best.test');
      close(student.value, acc.mean, `${key} mean`);
      close(student.std, acc.std, `${key} std`);
      assert.strictEqual(student.n, String(runs.length));
      assert.match(String(student.text), new RegExp(`± ${(acc.std * 100).toFixed(2)} \\(n=${runs.length}\\)`));
      const gain = stats(runs.map((r) => (r.student?.best ?? NaN) - (r.baseline?.best ?? NaN)));
      const kd: Record<string, string | boolean> = await cell('kdGain');
      close(kd.value, gain.mean, `${key} gain`);
      close(kd.ciLo, gain.ci[0], `${key} CI low`);
      close(kd.ciHi, gain.ci[1], `${key} CI high`);
      const excludes = gain.ci[0] > 0 || gain.ci[1] < 0;
      assert.strictEqual(kd.significant, excludes, `${key}: marked iff the CI excludes 0`);
      if (excludes) marked++;
    }
    assert.ok(marked > 0 && marked < settings.size, 'the fixture has CIs on both sides of 0');
  });

  it('highlights the swept and differing keys and hides equal ones until asked', async () => {
    const classOf = (column: string) =>
      page.page.$eval(`th[data-column="${column}"]`, (e) => e.className).catch(() => undefined);
    assert.strictEqual(await classOf(`config:${T_KEY}`), 'config swept');
    assert.strictEqual(await classOf(`config:${W_KEY}`), 'config swept');
    assert.strictEqual(await classOf('config:train.epochs'), undefined, 'equal keys are hidden');
    await page.page.click('details.columns summary');
    await page.page.check('[data-control="show-equal"]');
    assert.strictEqual(await classOf('config:train.epochs'), 'config equal');
    // Per run, the seed differs too.
    await page.page.uncheck('[data-control="grouped"]');
    assert.strictEqual(await classOf('config:seed'), 'config differing');
    assert.strictEqual((await rowIds()).length, fixture.length);
    assert.strictEqual((await state()).showEqualKeys, true);
  });

  it('sorts by a column both ways and filters by text and status', async () => {
    await page.page.click('button[data-sort="student.best.test"]');
    const failed = fixture.find((r) => r.status === 'failed');
    const running = fixture.find((r) => r.status === 'running');
    assert.ok(running && failed);
    const means = [...settings.entries()]
      .map(([key, runs]) => {
        const [t, w] = key.split('/').map(Number) as [number, number];
        return { id: groupId(t, w), mean: stats(runs.map((r) => r.student?.best ?? NaN)).mean };
      })
      .concat([{ id: failed.runDir, mean: failed.student?.best ?? NaN }])
      .sort((a, b) => b.mean - a.mean)
      .map(({ id }) => id);
    // The running run has no student accuracy yet: last either way.
    assert.deepStrictEqual(await rowIds(), [...means, running.runDir]);
    await page.page.click('button[data-sort="student.best.test"]');
    assert.deepStrictEqual(await rowIds(), [...[...means].reverse(), running.runDir]);
    assert.deepStrictEqual((await state()).sort, { column: 'student.best.test', descending: false });

    await page.page.fill('[data-control="filter"]', 'temperature=8');
    const eights = (await rowIds()).filter((id) => id.startsWith('group:'));
    assert.deepStrictEqual(new Set(eights), new Set([groupId(8, 32), groupId(8, 128)]));
    await page.page.fill('[data-control="filter"]', '');
    await page.page.check('[data-control="status-running"]');
    assert.deepStrictEqual(await rowIds(), [running.runDir]);
    await page.page.uncheck('[data-control="status-running"]');
    await page.page.uncheck('[data-control="grouped"]');
    await page.page.check('[data-control="status-failed"]');
    assert.deepStrictEqual(
      await rowIds(),
      fixture.filter((r) => r.status === 'failed').map((r) => r.runDir),
    );
  });

  it('draws each setting at (params, accuracy) with its Pareto front, checked by brute force', async () => {
    const points = await page.page.$$eval('[data-chart="scatter"] g[data-point]', (els) =>
      els.map((e) => ({
        id: (e as HTMLElement).dataset.point ?? '',
        kind: (e as HTMLElement).dataset.kind ?? '',
        front: (e as HTMLElement).dataset.front === '1',
      })),
    );
    const distilled = points.filter((p) => p.kind === 'distilled');
    assert.strictEqual(distilled.length, settings.size, 'one point per finished setting');
    assert.ok(points.some((p) => p.kind === 'teacher') && points.some((p) => p.kind === 'baseline'));
    // Brute force over the students (distilled and baselines): non-dominated in (params ↓, accuracy ↑).
    const candidates = [...settings.entries()].flatMap(([key, runs]) => {
      const [t, w] = key.split('/').map(Number) as [number, number];
      const params = runs[0]?.params ?? NaN;
      return [
        { id: groupId(t, w), x: params, y: stats(runs.map((r) => r.student?.best ?? NaN)).mean },
        { id: `${groupId(t, w)}#baseline`, x: params, y: stats(runs.map((r) => r.baseline?.best ?? NaN)).mean },
      ];
    });
    const expected = candidates
      .filter((p) => !candidates.some((q) => q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y)))
      .map((p) => p.id)
      .sort();
    assert.deepStrictEqual(
      points
        .filter((p) => p.front)
        .map((p) => p.id)
        .sort(),
      expected,
    );
    const listed = await page.page.$$eval('[data-list="pareto"] li[data-point]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.point ?? ''),
    );
    assert.deepStrictEqual([...listed].sort(), expected);
    // A click on a point asks the host to open its run.
    await page.page.click(`[data-chart="scatter"] g[data-point='${expected[0]}']`);
    const opened = (await page.posted<{ type: string; runDir?: string }>()).filter((m) => m.type === 'openRun');
    assert.strictEqual(opened.length, 1);
    assert.ok(fixture.some((r) => r.runDir === opened[0]?.runDir));
  });

  it('brushing a parallel-coordinates axis filters the table', async () => {
    const handle = await page.page.$(`[data-chart="parallel"] [data-brush-handle='config:${T_KEY}']`);
    assert.ok(handle);
    await handle.scrollIntoViewIfNeeded();
    const box = await handle.boundingBox();
    assert.ok(box);
    // Drag over the lower half of the temperature axis (2 at the bottom, 8 at the top).
    await page.page.mouse.move(box.x + box.width / 2, box.y + box.height - 2);
    await page.page.mouse.down();
    await page.page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.45, { steps: 5 });
    await page.page.mouse.up();
    const brush = (await state()).brush?.[`config:${T_KEY}`];
    assert.ok(brush, 'the brushed range is kept in the state');
    const [lo, hi] = brush;
    const expected = [...settings.keys()]
      .map((k) => k.split('/').map(Number) as [number, number])
      .filter(([t]) => t >= lo && t <= hi)
      .map(([t, w]) => groupId(t, w));
    for (const run of fixture)
      if (run.status !== 'done' && run.temperature >= lo && run.temperature <= hi) expected.push(run.runDir);
    assert.ok(expected.length > 0 && expected.length < 8, `the brush [${lo}, ${hi}] keeps some rows`);
    assert.deepStrictEqual(new Set(await rowIds()), new Set(expected));
    await page.page.click('[data-control="clear-brush"]');
    assert.strictEqual((await rowIds()).length, 8);
  });

  it('exports the table as CSV equal to the data and a Markdown report naming the best setting', async () => {
    await page.page.click('[data-export="table.csv"]');
    await page.page.click('[data-export="report.md"]');
    await page.page.waitForFunction(
      () => (window as unknown as Kd).__kd.posted.filter((m) => m.type === 'export').length >= 2,
    );
    const exports = (await page.posted<{ type: string; format?: string; fileName?: string; data?: string }>()).filter(
      (m) => m.type === 'export',
    );
    const csv = exports.find((m) => m.format === 'csv')?.data ?? '';
    const [header, ...lines] = csv.trim().split('\n');
    const columns = (header ?? '').split(',');
    const at = (name: string) => columns.indexOf(name);
    assert.ok(at('student.best.test') > 0 && at('student.best.test.std') > 0 && at('kdGain.ci95.lo') > 0);
    const rows = lines.map(parseCsvLine);
    for (const [key, runs] of settings) {
      const [t, w] = key.split('/').map(Number) as [number, number];
      const row = rows.find(
        (r) => r[0] === groupId(t, w).replace(/"/g, '""') || (r[at(T_KEY)] === String(t) && r[at(W_KEY)] === `[${w}]`),
      );
      assert.ok(row, `a CSV row for ${key}`);
      const acc = stats(runs.map((r) => r.student?.best ?? NaN));
      close(row[at('student.best.test')], acc.mean, `CSV mean ${key}`);
      close(row[at('student.best.test.std')], acc.std, `CSV std ${key}`);
      assert.strictEqual(row[at('student.best.test.n')], String(runs.length));
      const gain = stats(runs.map((r) => (r.student?.best ?? NaN) - (r.baseline?.best ?? NaN)));
      close(row[at('kdGain.ci95.lo')], gain.ci[0], `CSV CI ${key}`);
    }
    const md = exports.find((m) => m.format === 'md')?.data ?? '';
    const best = [...settings.entries()]
      .map(([key, runs]) => ({ key, mean: stats(runs.map((r) => r.student?.best ?? NaN)).mean }))
      .reduce((a, b) => (b.mean > a.mean ? b : a));
    const [bt, bw] = best.key.split('/');
    const section = md.split('## Best setting')[1]?.split('##')[0] ?? '';
    assert.match(section, new RegExp(`losses\\[1\\]\\.temperature=${bt}, student\\.hidden=\\[${bw}\\]`));
    assert.match(section, new RegExp(`${(best.mean * 100).toFixed(2)}%`));
    assert.match(md, /## Pareto front/);
    assert.match(md, /\| Setting \| Status \|/);
  });

  it('exports charts as SVG and PNG, overlays group curves with a ± std band and diffs two runs', async () => {
    await page.page.click('[data-export="scatter.svg"]');
    await page.page.click('[data-export="parallel.png"]');
    await page.page.waitForFunction(
      () => (window as unknown as Kd).__kd.posted.filter((m) => m.type === 'export').length >= 2,
    );
    const exports = (await page.posted<{ type: string; format?: string; data?: string }>()).filter(
      (m) => m.type === 'export',
    );
    const svgFile = exports.find((m) => m.format === 'svg')?.data ?? '';
    assert.match(svgFile, /^<\?xml[^]*<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(!svgFile.includes('data-ui'), 'interactive handles are left out');
    const png = Buffer.from(exports.find((m) => m.format === 'png')?.data ?? '', 'base64');
    assert.strictEqual(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(png.length > 1000);
    // Groups draw a band; the band at each epoch spans mean ± sample std of the runs' curves.
    const bands = await page.page.$$eval('[data-chart="curves"] [data-band]', (els) => els.length);
    assert.ok(bands >= 1);
    // Diff: tick two runs; the host answers with both configs; the differing keys are marked.
    await page.page.uncheck('[data-control="grouped"]');
    const [a, b] = fixture.filter((r) => r.status === 'done' && r.seed === 1);
    assert.ok(a && b);
    await page.page.check(`input[data-select='${a.runDir}']`);
    await page.page.check(`input[data-select='${b.runDir}']`);
    await page.page.waitForFunction(() => (window as unknown as Kd).__kd.posted.some((m) => m.type === 'diff'));
    const configOf = (run: FixtureRun) => hostRunFromDisk(run.runDir).config;
    await page.send({
      type: 'compare/diff',
      diff: {
        a: { runDir: a.runDir, label: 'a', config: configOf(a) },
        b: { runDir: b.runDir, label: 'b', config: configOf(b) },
      },
    });
    await page.page.waitForSelector('.diff-table');
    const changed = await page.page.$$eval('.diff-table tr[data-change="changed"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.key),
    );
    const expected = [T_KEY, W_KEY].filter((k) => configOf(a)[k] !== configOf(b)[k]);
    assert.deepStrictEqual(changed.sort(), expected.sort());
  });

  it('shows “within noise” instead of a speed-up where the summary says so, never a ratio of its own', async () => {
    // Width 32 measured within the latency spread of the teacher (the summary has no speed-up); width 128 did not.
    const noisy = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-compare-noise-'));
    try {
      const runs = writeSweepStore(noisy, {
        temperatures: [4],
        widths: [32, 128],
        seeds: [1, 2],
        withinNoiseWidths: [32],
      });
      await page.send({ type: 'compare/view', view: buildCompareView(runs.map((r) => hostRunFromDisk(r.runDir))) });
      await page.page.click('details.columns summary');
      await page.page.check('[data-control="column-speedup"]');
      const speedups = () =>
        page.page.$$eval('tr[data-row] td[data-column="speedup"]', (cells) =>
          cells.map((c) => ({
            row: (c.parentElement as HTMLElement).dataset.row ?? '',
            text: c.textContent ?? '',
            value: (c as HTMLElement).dataset.value,
          })),
        );
      const grouped = await speedups();
      assert.strictEqual(grouped.length, 2);
      for (const w of [32, 128]) {
        const cell = grouped.find((c) => c.row === groupId(4, w));
        assert.ok(cell, `a group row for width ${w}`);
        if (w === 32) assert.deepStrictEqual([cell.text, cell.value], ['within noise', undefined]);
        else {
          const members = runs.filter((r) => r.hidden === w);
          close(cell.value, stats(members.map((r) => 0.9 / r.latencyMs)).mean, 'mean speed-up of width 128');
          assert.match(cell.text, /×/);
        }
      }
      await page.page.uncheck('[data-control="grouped"]');
      const perRun = await speedups();
      assert.strictEqual(perRun.length, runs.length);
      for (const run of runs) {
        const cell = perRun.find((c) => c.row === run.runDir);
        assert.ok(cell);
        if (run.hidden === 32) assert.deepStrictEqual([cell.text, cell.value], ['within noise', undefined]);
        else close(cell.value, 0.9 / run.latencyMs, `speed-up of ${run.runDir}`);
      }
    } finally {
      fs.rmSync(noisy, { recursive: true, force: true });
    }
  });

  it('folds a live update: a new run appears and a running one shows progress', async () => {
    await page.page.uncheck('[data-control="grouped"]');
    const running = fixture.find((r) => r.status === 'running');
    assert.ok(running);
    const base = view.runs.find((r) => r.runDir === running.runDir);
    assert.ok(base);
    const newcomer = {
      ...base,
      runDir: `${store}/mnist-sweep/new`,
      runId: 'new',
      progress: { stage: 'student', epoch: 1, epochs: 4 },
    };
    await page.send({ type: 'compare/update', runs: [newcomer], groups: view.groups, configKeys: view.configKeys });
    await page.page.waitForSelector(`tr[data-row='${newcomer.runDir}']`);
    assert.match(
      await page.page.$eval(`tr[data-row='${newcomer.runDir}'] td[data-column="status"]`, (e) => e.textContent ?? ''),
      /running student 1\/4/,
    );
    assert.strictEqual((await rowIds()).length, fixture.length + 1);
    fs.mkdirSync(path.join(ROOT, 'test-results', 'screenshots'), { recursive: true });
    await page.page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', 'compare-light.png') });
  });
});
