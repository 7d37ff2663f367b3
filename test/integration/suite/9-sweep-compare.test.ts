import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, fixture, settle, until } from './helpers';

// Compare on a sweep node of the Runs view: a real sweep (2 temperatures × 2 seeds, one epoch on
// synthetic data) runs through the run queue, then the node's Compare opens the comparison on the
// sweep's runs, grouped by seed: one group per temperature, each with both seeds.
describe('Compare from a sweep node', () => {
  const file = fixture('sweep-seeds.kd.json');

  after(async () => {
    await settle(await api());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file, { force: true });
  });

  it('opens the comparison on the sweep’s runs with one group per setting', async () => {
    const studio = await api();
    const experiment = JSON.parse(fs.readFileSync(fixture('sweep.kd.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          ...experiment,
          name: 'sweep-seeds',
          sweep: { grid: { 'distill.losses[1].temperature': [2, 4] }, seeds: [1, 2] },
        },
        null,
        2,
      ),
    );
    const sweepDir = await vscode.commands.executeCommand<string | undefined>('distillationStudio.runSweep', { file });
    assert.ok(sweepDir && fs.existsSync(path.join(sweepDir, 'sweep.json')), 'the sweep record was written');
    const jobs = studio.manager.active().filter((j) => j.sweep?.dir === sweepDir);
    assert.equal(jobs.length, 4, 'one runner job per point × seed');
    for (const outcome of await Promise.all(jobs.map((j) => j.finished)))
      assert.equal(outcome.status, 'done', outcome.message);

    studio.index.refreshNow();
    const node = await until('the sweep node with 4 done runs', () => {
      studio.tree.update();
      // Sweeps sit under their experiment's row.
      return studio.tree
        .sweepNodes()
        .find((n) => n.kind === 'sweep' && n.sweepDir === sweepDir && n.description === '4/4 done');
    });
    assert.match(String(studio.tree.getTreeItem(node).contextValue), /^sweep:/, 'the menus’ Compare applies');

    await vscode.commands.executeCommand('distillationStudio.compareRuns', node);
    const view = await until('the comparison view to receive the sweep’s groups', () => {
      const v = studio.comparison();
      return v && v.runs.length === 4 && v.groups.length === 2 ? v : undefined;
    });
    const sweepId = path.basename(sweepDir);
    assert.deepEqual(view.source, { experiment: 'sweep-seeds', sweepId });
    assert.equal(view.title, `Sweep ${sweepId} of sweep-seeds`);
    assert.deepEqual(view.configKeys.swept, ['distill.losses[1].temperature']);
    assert.deepEqual(
      view.groups.map((g) => g.config['distill.losses[1].temperature']).sort(),
      [2, 4],
      'one group per temperature',
    );
    for (const group of view.groups) {
      assert.deepEqual([...group.seeds].sort(), [1, 2], 'each group holds both seeds');
      assert.equal(group.metrics['student.best.test']?.n, 2);
      assert.ok(group.metrics.kdGain?.ci95, 'the paired KD gain has its confidence interval');
    }
    const runDirs = new Set(view.runs.map((r) => r.runDir));
    for (const child of node.kind === 'sweep' ? node.children : [])
      assert.ok(child.kind === 'run' && runDirs.has(child.run.dir), `${child.label} is in the comparison`);
  });
});
