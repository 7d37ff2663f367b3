import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunJob } from '../../../src/extension/runs/runManager';
import type { RunEvent } from '../../../src/protocol/events';
import { api, fixture, lensTitles, settle, until } from './helpers';

describe('Start Distillation', () => {
  afterEach(async () => settle(await api()));

  it('runs the experiment in a runner process and shows the run in the Runs view', async () => {
    const studio = await api();
    const file = fixture('quick.kd.json');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    const events: RunEvent[] = [];
    const listener = studio.manager.onRunEvent((m) => events.push(m.event));
    const job = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.start', { file });
    assert.ok(job, 'the run was queued');
    const outcome = await job.finished;
    listener.dispose();
    assert.equal(outcome.status, 'done', outcome.message);
    assert.ok(
      outcome.runDir && fs.existsSync(path.join(outcome.runDir, 'summary.json')),
      'the run store holds its summary',
    );
    assert.equal(events[0].type, 'run-start');
    assert.equal(events[events.length - 1].type, 'run-end');
    assert.ok(
      events.some((e) => e.type === 'step'),
      'steps streamed live',
    );
    assert.notEqual(
      (events[0] as Extract<RunEvent, { type: 'run-start' }>).pid,
      process.pid,
      'training ran outside the extension host',
    );

    // The Runs view lists it, done, under its experiment, under its file.
    studio.index.refreshNow();
    const fileNode = studio.tree.getChildren().find((f) => f.kind === 'file' && f.file === file);
    assert.ok(fileNode && fileNode.kind === 'file', 'the file is a root of the Runs view');
    const experiment = fileNode.children.find((e) => e.name === 'quick');
    assert.ok(experiment && experiment.kind === 'experiment');
    const item = experiment.children.find((c) => c.kind === 'run' && c.run.dir === outcome.runDir);
    assert.ok(item && item.kind === 'run');
    assert.equal(item.icon, 'done');
    assert.match(item.description, /^student \d+\.\d%/);
    assert.notEqual(item.label, item.run.runId, 'the row says more than its timestamp');
    const treeItem = studio.tree.getTreeItem(item);
    assert.equal(treeItem.contextValue, 'run:done');

    // The lens counts the run, and its outcome is shown after the experiment.
    const lenses = await until('the lenses to show the finished run', async () => {
      const titles = await lensTitles(file);
      return titles.some((l) => /^1 run · best student \d+\.\d%$/.test(l.title)) ? titles : undefined;
    });
    assert.ok(lenses.length >= 3);
    const outcomeShown = await until('the inline outcome "✓ done" below the experiment', () =>
      studio.inlineOutcomes(editor.document.uri).find((o) => o.text.startsWith('✓ done')),
    );
    assert.equal(outcomeShown.line, editor.document.lineCount - 2, 'after the closing brace of the experiment');
    assert.equal(editor.document.isDirty, false, 'the file itself is untouched');
  });
});
