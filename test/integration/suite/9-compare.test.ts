import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { writeSweepStore } from '../../webview/fixtures/sweepStore';
import { api, until } from './helpers';

// The comparison on a sweep store in the workspace's run store (temperature × width × 3 seeds):
// Compare on the experiment node opens the view, which receives the sweep's groups; a run that
// appears later joins it live.
describe('comparison of a sweep', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Compare on the experiment opens the view with one group per setting, and new runs join it', async () => {
    const studio = await api();
    const runsDir = studio.settings().runsDir;
    const experiment = 'compare-sweep';
    fs.rmSync(path.join(runsDir, experiment), { recursive: true, force: true });
    const runs = writeSweepStore(runsDir, { experiment, temperatures: [2, 4], widths: [32, 64], seeds: [1, 2, 3] });
    studio.index.refreshNow();
    const node = {
      kind: 'experiment',
      id: `experiment:${experiment}`,
      name: experiment,
      description: '',
      children: [],
      contextValue: 'experiment',
    };
    await vscode.commands.executeCommand('distillationStudio.compareRuns', node);
    const view = await until('the comparison view to receive the sweep', () => {
      const v = studio.comparison();
      return v && v.runs.length === runs.length ? v : undefined;
    });
    assert.match(view.title, /^Sweep sweep-t-w of compare-sweep$/);
    assert.equal(view.groups.length, 4);
    for (const group of view.groups) {
      assert.equal(group.runDirs.length, 3);
      assert.deepEqual([...group.seeds].sort(), [1, 2, 3]);
      assert.ok(group.metrics.kdGain?.ci95, 'the KD gain has its confidence interval');
    }
    assert.deepEqual(view.configKeys.swept, ['distill.losses[1].temperature', 'student.hidden']);
    // A run written later (as by the CLI) joins the open view.
    writeSweepStore(path.join(runsDir, '.more'), { experiment, temperatures: [8], widths: [32], seeds: [1] });
    fs.renameSync(path.join(runsDir, '.more', experiment, 'sweep-0000'), path.join(runsDir, experiment, 'sweep-late'));
    fs.rmSync(path.join(runsDir, '.more'), { recursive: true, force: true });
    studio.index.refresh();
    const grown = await until('the late run to join the comparison', () => {
      const v = studio.comparison();
      return v && v.runs.length === runs.length + 1 ? v : undefined;
    });
    assert.equal(grown.groups.length, 5);
  });
});
