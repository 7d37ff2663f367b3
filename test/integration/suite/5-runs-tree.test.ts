import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { RunJob } from '../../../src/extension/runs/runManager';
import type { ExperimentNode } from '../../../src/extension/tree/runsTreeModel';
import { api, fixture, settle, until } from './helpers';

// The Runs view as a new user meets it: experiments under their file, rows that follow the runner's
// events as they come (not the file watcher's later reads), filter, sort and the file's actions.
describe('Runs view', () => {
  afterEach(async () => settle(await api()));
  after(async () => {
    await vscode.commands.executeCommand('distillationStudio.clearRunsFilter');
    await vscode.commands.executeCommand('distillationStudio.sortRuns', 'newest');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("shows a new experiment's first run at its first event, and its row follows every step", async () => {
    const studio = await api();
    const file = fixture('live-tree.kd.json');
    const slow = JSON.parse(fs.readFileSync(fixture('slow.kd.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, JSON.stringify({ ...slow, name: 'live-tree' }, null, 2));
    const seen: { atStart?: boolean; steps: [number, string | undefined][] } = { steps: [] };
    const started: { job?: RunJob } = {};
    const fifth = new Promise<void>((resolve) => {
      const listener = studio.manager.onRunEvent(({ runDir, event }) => {
        if (!started.job || runDir !== started.job.runDir) return;
        // The tree listens to the same events and was subscribed first: what it shows now is what
        // the user sees at this event.
        if (event.type === 'run-start') seen.atStart = studio.tree.runNode(runDir) !== undefined;
        if (event.type === 'step') {
          seen.steps.push([event.step, studio.tree.runNode(runDir)?.description]);
          if (seen.steps.length === 5) {
            listener.dispose();
            resolve();
          }
        }
      });
    });
    const job = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.start', { file });
    started.job = job;
    assert.ok(job, 'the run was queued');
    await fifth;
    assert.equal(seen.atStart, true, 'the run is in the tree at its run-start event');
    for (const [step, description] of seen.steps)
      assert.match(description ?? '', new RegExp(`· step ${step}/\\d+ ·`), `the row shows step ${step} at that step`);
    const node = studio.tree.runNode(job.runDir!);
    assert.ok(node);
    const experiment = studio.tree.getParent(node) as ExperimentNode;
    assert.equal(experiment.kind, 'experiment');
    const fileNode = studio.tree.getParent(experiment);
    assert.ok(fileNode && fileNode.kind === 'file' && fileNode.file === file, 'under its file');
    const item = studio.tree.getTreeItem(node);
    assert.ok(item.tooltip instanceof vscode.MarkdownString, 'a Markdown tooltip');
    assert.match(item.tooltip.value, /\| training \| 60 epochs · batch 16 · adam lr 0\.005 \|/);
    studio.manager.stop(job.id);
    assert.equal((await job.finished).status, 'stopped');
  });

  it('filters by status and words, sorts by the best student, and offers the file actions', async () => {
    const studio = await api();
    studio.index.refreshNow();
    const all = studio.tree.experiments().flatMap((e) => e.children).length;
    await vscode.commands.executeCommand('distillationStudio.filterRuns', 'status:stopped');
    const stopped = studio.tree.experiments().flatMap((e) => e.children);
    assert.ok(stopped.length > 0 && stopped.length < all, 'the filter keeps some rows');
    assert.ok(stopped.every((c) => c.kind === 'run' && c.run.status === 'stopped'));
    await vscode.commands.executeCommand('distillationStudio.filterRuns', 'live-tree');
    assert.deepEqual(
      studio.tree.experiments().map((e) => e.name),
      ['live-tree'],
    );
    await vscode.commands.executeCommand('distillationStudio.clearRunsFilter');
    assert.equal(studio.tree.experiments().flatMap((e) => e.children).length, all);

    await vscode.commands.executeCommand('distillationStudio.sortRuns', 'best');
    for (const experiment of studio.tree.experiments()) {
      const accuracies = experiment.children.flatMap((c) =>
        c.kind === 'run' ? [c.run.summary?.models[c.run.summary.product]?.best.test ?? -1] : [],
      );
      assert.deepEqual(
        accuracies,
        [...accuracies].sort((a, b) => b - a),
        `${experiment.name} best first`,
      );
    }

    const notebook = studio.tree.experiments().find((e) => e.name === 'notebook.kd');
    assert.ok(notebook && notebook.file === fixture('notebook.kd.json') && notebook.cell === 'kd');
    assert.equal(notebook.label, 'kd');
    await vscode.commands.executeCommand('distillationStudio.openExperimentFile', notebook);
    const editor = await until('the experiment file in an editor', () => vscode.window.activeTextEditor);
    assert.equal(editor.document.uri.fsPath, notebook.file);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /"name": "kd"/, 'at its cell');

    const live = studio.tree.experiments().find((e) => e.name === 'live-tree');
    assert.ok(live);
    const again = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.runAgain', live);
    assert.ok(again && again.file === fixture('live-tree.kd.json'), 'Run Again queued the experiment');
    studio.manager.stop(again.id);
    await again.finished;
  });
});
