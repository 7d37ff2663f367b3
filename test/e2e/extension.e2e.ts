// End to end, as a user: code-server with the packaged .vsix installed, the fixture workspace open
// in headless Chromium. Open an experiment, click its "Start Distillation" CodeLens, watch the run
// appear in the Runs view and finish. Screenshots go to test-results/screenshots/; the last one
// also to media/screenshot-extension.png (the README's picture).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import {
  openBrowser,
  requireFiles,
  ROOT,
  startCodeServer,
  stopSession,
  workbenchUrl,
  type Session,
} from '../integration/codeServer';

const VSIX = path.join(ROOT, 'dist', 'distillation-studio.vsix');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const FIXTURE = path.join(__dirname, 'fixtures', 'workspace');

describe('Distillation Studio in code-server, installed from its .vsix', function () {
  this.timeout(240_000);
  let session: Session | undefined;
  let page: Page;

  const lens = (text: string | RegExp) => page.locator('.codelens-decoration a', { hasText: text });
  const runsView = () => page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Runs' }) });
  const command = async (title: string) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
    await page.keyboard.press('Enter');
  };
  const shot = async (name: string) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };

  before(async () => {
    requireFiles([VSIX], 'run `npm run package` first');
    session = await startCodeServer({
      fixture: FIXTURE,
      vsix: VSIX,
      settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false },
    });
    page = await openBrowser(session, { width: 1920, height: 1080 });
  });

  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed')
      await shot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  after(async () => stopSession(session));

  it("has the extension installed in the editor's extensions folder", () => {
    assert.ok(session);
    const installed = fs
      .readdirSync(session.extensionsDir)
      .filter((d) => d.startsWith('distillation-studio.distillation-studio-'));
    assert.equal(installed.length, 1, `installed: ${fs.readdirSync(session.extensionsDir).join(', ')}`);
    for (const file of ['package.json', 'dist/extension.js', 'dist/runner.js', 'schemas/kd.schema.json']) {
      assert.ok(fs.existsSync(path.join(session.extensionsDir, installed[0], file)), `${file} is in the package`);
    }
  });

  it('opens the workspace and shows the Distillation container in the activity bar', async () => {
    assert.ok(session);
    await page.goto(workbenchUrl(session));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar [aria-label^="Distillation"]').first().click({ timeout: 60_000 });
    await runsView().waitFor();
    // A wider side bar, so run descriptions show in full on the screenshots.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const x = sidebar.x + sidebar.width;
      await page.mouse.move(x, 400);
      await page.mouse.down();
      await page.mouse.move(x + 110, 400, { steps: 5 });
      await page.mouse.up();
    }
  });

  it('creates an experiment from a template through the empty Runs view', async () => {
    const button = runsView()
      .locator('.welcome-view-content a, .welcome-view-content .monaco-button', { hasText: 'New Experiment' })
      .first();
    await button.click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Tiny synthetic experiment' }).click();
    // The name box suggests a free name; accepting it writes synthetic.kd.json and opens it.
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'synthetic.kd.json' }).waitFor();
    assert.ok(session);
    const created = JSON.parse(fs.readFileSync(path.join(session.workspace, 'synthetic.kd.json'), 'utf8')) as {
      name: string;
      data: { dataset: string };
    };
    assert.equal(created.name, 'synthetic');
    assert.equal(created.data.dataset, 'synthetic');
    await lens('Start Distillation').first().waitFor({ timeout: 60_000 });
  });

  it('opens an experiment and shows its CodeLenses', async () => {
    // Quick Open, as a user would type it.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('distill.kd.json');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'distill.kd.json' }).first().click();
    await page.locator('.tab.active', { hasText: 'distill.kd.json' }).waitFor();
    await lens('Start Distillation').first().waitFor({ timeout: 60_000 });
    const titles = await page.locator('.codelens-decoration a').allInnerTexts();
    // The second cell reuses the first cell's teacher, which has not run yet: it offers to run it first.
    assert.deepEqual(
      titles.filter((t) => /Run All|Start Distillation|first$/.test(t)),
      ['▶ Run All', '▶ Start Distillation', '▶ Run teacher first'],
    );
    await shot('1-experiment-with-codelens');
  });

  it('starts a cell from its CodeLens and shows its progress while it runs', async () => {
    await lens('Start Distillation').first().click();
    // While it runs the cell's lens turns into its progress and a Stop button.
    await lens('■ Stop').waitFor({ timeout: 60_000 });
    await lens(/epoch \d+\/25/)
      .first()
      .waitFor({ timeout: 60_000 });
    await shot('2-run-going');
    // The run shows under its cell ("teacher"), under its file, while it runs.
    await runsView().locator('.monaco-list-row[aria-level="1"]', { hasText: 'distill.kd.json' }).waitFor();
    await runsView().locator('.monaco-list-row[aria-level="2"]', { hasText: 'teacher' }).first().waitFor();
  });

  it('lists the finished run in the Runs view, and runs the next cell', async () => {
    // The first cell trains the teacher alone: its model is the teacher.
    await lens(/^1 run · best teacher \d+\.\d%$/)
      .first()
      .waitFor({ timeout: 120_000 });
    await lens('Start Distillation').nth(1).click();
    await lens(/^1 run · best student/)
      .first()
      .waitFor({ timeout: 120_000 });
    // The file's cells are its children, named by the cell.
    for (const cell of ['teacher', 'kd-T4']) {
      const row = runsView().locator('.monaco-list-row[aria-level="2"]', { hasText: cell });
      await row.waitFor();
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
    }
    // Two runs, each done: the teacher cell's described by its teacher's accuracy, the KD cell's by its student's.
    const runs = runsView().locator('.monaco-list-row[aria-level="3"]');
    await runs.nth(1).waitFor();
    const texts = await runs.allInnerTexts();
    assert.equal(texts.length, 2, texts.join(' | '));
    assert.ok(
      texts.some((text) => /teacher \d+\.\d%/.test(text)),
      texts.join(' | '),
    );
    assert.ok(
      texts.some((text) => /student \d+\.\d%/.test(text)),
      texts.join(' | '),
    );
    assert.ok(session);
    for (const experiment of ['distill.teacher', 'distill.kd-T4']) {
      assert.equal(
        fs.readdirSync(path.join(session.workspace, 'runs', experiment)).length,
        1,
        `one run folder of ${experiment} on disk`,
      );
    }
    await command('Notifications: Clear All Notifications');
    await page.mouse.move(1900, 1060);
    await page.waitForTimeout(500);
    await shot('3-runs-done');
  });

  it('opens the distilled run in the experiment panel from the Runs view', async () => {
    await runsView().locator('.monaco-list-row[aria-level="3"]').first().click();
    await page.locator('.tab.active', { hasText: /distill/ }).waitFor();
    // The webview sits two iframes deep; it renders once the host pushed the run's view model.
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe');
    await webview.locator('body', { hasText: /student/i }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1500);
    await page.mouse.move(1900, 1060);
    const final = await shot('4-experiment-panel');
    fs.copyFileSync(final, path.join(ROOT, 'media', 'screenshot-extension.png'));
  });

  it('deletes a run from its context menu after confirmation', async () => {
    assert.ok(session);
    const runsOf = path.join(session.workspace, 'runs', 'distill.kd-T4');
    // The newest run (the kd-T4 cell's) is the first run row.
    const row = runsView().locator('.monaco-list-row[aria-level="3"]').first();
    await row.click({ button: 'right' });
    // The workbench's menus take the item under the pointer on Enter.
    await page.locator('.context-view .action-label', { hasText: 'Delete Run' }).hover();
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Delete run .* \d{8}-\d{6}-[0-9a-f]{4}\?/);
    await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
    await runsView().locator('.monaco-list-row[aria-level="2"]', { hasText: 'kd-T4' }).waitFor({ state: 'detached' });
    assert.equal(fs.existsSync(runsOf), false, 'the run folder (and its emptied experiment folder) is gone');
  });

  it("deletes an experiment's runs from its context menu, and keeps them when the dialog is cancelled", async () => {
    assert.ok(session);
    const runsOf = path.join(session.workspace, 'runs', 'distill.teacher');
    const stored = fs.readdirSync(runsOf);
    assert.equal(stored.length, 1, 'the teacher cell has one run');
    const experimentRow = runsView().locator('.monaco-list-row[aria-level="2"]', { hasText: 'teacher' });
    const dialog = page.locator('.monaco-dialog-box');
    const askToDelete = async () => {
      await experimentRow.first().click({ button: 'right' });
      await page.locator('.context-view .action-label', { hasText: 'Delete Runs of Experiment' }).hover();
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      assert.match(await dialog.innerText(), new RegExp(`Delete run distill\\.teacher ${stored[0]}\\?`));
    };
    // Cancel: nothing is deleted, the experiment stays in the tree.
    await askToDelete();
    await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.waitForTimeout(1000);
    assert.deepEqual(fs.readdirSync(runsOf), stored, 'the run folder is kept');
    assert.equal(await experimentRow.count(), 1, 'the experiment is still listed');
    // Delete: the runs folder goes from disk and the experiment from the tree.
    await askToDelete();
    await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
    await experimentRow.waitFor({ state: 'detached' });
    assert.equal(fs.existsSync(runsOf), false, "the experiment's runs folder is gone");
  });
});
