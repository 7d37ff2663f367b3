// End to end inside a real VS Code (code-server, set up by scripts/code-server/setup.sh): the
// command "Show Experiment Panel" on an experiment file opens the panel's webview, two iframes deep
// in the workbench, and it draws the teacher's and the student's architectures from the runner's
// describe output; it then follows a run of that experiment live, and comes back after a reload. The extension loads from this repository (extensionDevelopmentPath), so it needs
// `npm run build` first (the suite's own build step does it).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Page } from 'playwright-core';
import {
  CODE_SERVER_ENTRY,
  openBrowser,
  startCodeServer,
  stopSession,
  workbenchUrl,
  type Session,
} from '../integration/codeServer';
import { buildWebviews, ROOT } from './harness';

const FIXTURE = path.join(ROOT, 'test', 'integration', 'fixtures', 'workspace');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

describe('experiment panel inside code-server', function () {
  this.timeout(240_000);
  let session: Session | undefined;
  let page: Page;

  before(async function () {
    if (!fs.existsSync(CODE_SERVER_ENTRY)) {
      // CI runs scripts/code-server/setup.sh before the suites; a machine without it skips this check.
      this.skip();
    }
    buildWebviews();
    session = await startCodeServer({
      fixture: FIXTURE,
      settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false },
    });
    page = await openBrowser(session);
    const remote = (p: string) => `vscode-remote://${session?.host}${p}`;
    await page.goto(
      workbenchUrl(session, [
        ['extensionDevelopmentPath', remote(ROOT)],
        ['skipWelcome', 'true'],
      ]),
    );
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  });

  after(async () => stopSession(session));

  async function command(title: string): Promise<void> {
    await page.keyboard.press('F1');
    const palette = page.locator('.quick-input-widget input');
    await palette.waitFor();
    await palette.fill(`>${title}`);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: title.split(': ').pop() ?? title })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
  }

  it('opens the panel from the command with both architectures, two frames deep', async () => {
    await page.keyboard.press('Control+P');
    const quickOpen = page.locator('.quick-input-widget input');
    await quickOpen.waitFor();
    await quickOpen.fill('quick.kd.json');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'quick.kd.json' }).first().click();
    await page.locator('.tab.active', { hasText: 'quick.kd.json' }).waitFor();

    await command('Distillation: Show Experiment Panel');

    // The webview: VS Code's outer iframe, then the content frame it hosts.
    const webview: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const teacher = webview.locator('.model-column[data-model="teacher"] .block[data-kind="layer"]');
    const student = webview.locator('.model-column[data-model="student"] .block[data-kind="layer"]');
    await teacher.first().waitFor({ timeout: 120_000 });
    await student.first().waitFor({ timeout: 30_000 });
    // quick.kd.json: MLP teacher [32] and student [6] on 10 features: input, hidden_1, logits.
    assert.deepStrictEqual(await teacher.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.layer)), [
      'input',
      'hidden_1',
      'logits',
    ]);
    assert.deepStrictEqual(await student.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.layer)), [
      'input',
      'hidden_1',
      'logits',
    ]);
    const params = await webview.locator('tr[data-row="params"] td[data-stage="teacher"]').getAttribute('data-value');
    // 10·32 + 32 + 32·3 + 3 = 451 parameters.
    assert.strictEqual(params, '451');
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'panel-code-server.png') });

    // A click on a preset's layer reveals the spec that builds it: "teacher" on line 5.
    await teacher.nth(1).click();
    await page.locator('.line-numbers.active-line-number', { hasText: /^5$/ }).waitFor({ timeout: 30_000 });
  });

  it('follows a run of the experiment as soon as it starts, to its end', async () => {
    await command('Distillation: Start Distillation');
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await webview.locator('.status[data-status="done"]').waitFor({ timeout: 180_000 });
    const points = Number(await webview.locator('[data-chart="loss"]').getAttribute('data-points'));
    assert.ok(points > 0, `${points} loss points`);
    const accuracy = await webview
      .locator('tr[data-row="accBest"] td[data-stage="student"]')
      .getAttribute('data-value');
    assert.ok(accuracy !== null && Number(accuracy) >= 0 && Number(accuracy) <= 1, `student accuracy ${accuracy}`);
    assert.ok(
      (await webview.locator('tr[data-row="accBest"] td[data-stage="baseline"]').getAttribute('data-value')) !== null,
      'the baseline column filled in',
    );
  });

  it('comes back after a window reload with its diagrams', async () => {
    await page.reload();
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // While the workbench restores, the webview's frames are replaced; a frame locator resolved
    // early can stay bound to a discarded frame, so resolve it afresh until the diagram appears.
    const deadline = Date.now() + 120_000;
    let webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    for (;;) {
      try {
        await webview
          .locator('.model-column[data-model="teacher"] .block[data-kind="layer"]')
          .first()
          .waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      }
    }
    await webview
      .locator('.model-column[data-model="student"] .block[data-kind="layer"]')
      .first()
      .waitFor({ timeout: 30_000 });
    await webview.locator('.status[data-status="done"]').waitFor({ timeout: 30_000 });
  });
});
