import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, fixture, lensTitles, settle, until } from './helpers';

describe('Run Sweep', () => {
  afterEach(async () => settle(await api()));

  it('shows "Run Sweep (2 runs)" above the sweep, runs both points as runners and shows one sweep node', async () => {
    const studio = await api();
    const file = fixture('sweep.kd.json');
    const document = await vscode.workspace.openTextDocument(file);
    const sweepLine = document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('"sweep":'));
    const lens = await until('the Run Sweep lens', async () =>
      (await lensTitles(file)).find((l) => l.title === '▶ Run Sweep (2 runs)'),
    );
    assert.equal(lens.line, sweepLine, 'the lens sits above the sweep key');
    assert.equal(lens.command, 'distillationStudio.runSweep');

    const sweepDir = await vscode.commands.executeCommand<string | undefined>(lens.command, ...lens.args);
    assert.ok(sweepDir && fs.existsSync(path.join(sweepDir, 'sweep.json')), 'the sweep record was written');
    const jobs = studio.manager.active().filter((j) => j.sweep?.dir === sweepDir);
    assert.equal(jobs.length, 2, 'one runner job per point, through the run queue');
    const outcomes = await Promise.all(jobs.map((j) => j.finished));
    for (const outcome of outcomes) assert.equal(outcome.status, 'done', outcome.message);

    studio.index.refreshNow();
    studio.tree.update();
    const node = await until('the sweep node with 2 done runs', () => {
      studio.tree.update();
      return studio.tree
        .sweepNodes()
        .find((n) => n.kind === 'sweep' && n.sweepDir === sweepDir && n.description === '2/2 done');
    });
    assert.ok(node.kind === 'sweep');
    assert.equal(node.label, `sweep · ${path.basename(sweepDir)}`);
    assert.equal(node.children.length, 2);
    for (const child of node.children) {
      assert.equal(child.kind, 'run');
      assert.equal(child.icon, 'done');
      if (child.kind === 'run') {
        const config = JSON.parse(fs.readFileSync(path.join(child.run.dir, 'config.json'), 'utf8')) as {
          sweep?: { id: string };
        };
        assert.equal(config.sweep?.id, path.basename(sweepDir), 'the run records its sweep');
      }
    }
    assert.equal(studio.tree.getTreeItem(node).contextValue, 'sweep:complete');
    // The sweep sits under its experiment, whose runs are not repeated as loose runs beside it.
    const experiment = studio.tree.experiments().find((n) => n.name === 'sweep');
    assert.ok(experiment, 'the sweep has its experiment row');
    assert.deepEqual(
      experiment.children.map((c) => c.id),
      [node.id],
    );
    assert.equal(studio.tree.getParent(node), experiment);
  });
});
