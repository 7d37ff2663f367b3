import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import type { RunJob } from '../../../src/extension/runs/runManager';
import { api, fixture, lensTitles, runDirsOf, settle } from './helpers';

describe('CodeLenses', () => {
  before(async () => {
    await api();
  });

  it('offers Run All above a notebook, Start above a cell, and running a reused cell first', async () => {
    const file = fixture('notebook.kd.json');
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const lenses = await lensTitles(file);
    const document = await vscode.workspace.openTextDocument(file);
    const teacherLine =
      document
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('"name": "teacher"')) - 1;
    const kdLine =
      document
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('"name": "kd"')) - 1;
    assert.deepEqual(
      lenses.filter((l) => l.line === 0).map((l) => l.title),
      ['▶ Run All', 'Show Architecture'],
    );
    assert.deepEqual(
      lenses
        .filter((l) => l.line === teacherLine)
        .map((l) => l.title)
        .slice(0, 2),
      ['▶ Start Distillation', 'Show Architecture'],
    );
    // The kd cell reuses the teacher cell's model, which has not run yet.
    const kdStart = lenses.find((l) => l.line === kdLine && l.title === '▶ Run teacher first');
    assert.ok(kdStart, `a Run teacher first lens above the kd cell: ${JSON.stringify(lenses)}`);
    assert.equal(kdStart.command, 'distillationStudio.start');
    assert.deepEqual(kdStart.args, [{ file, cell: 'kd', first: true }]);
  });

  it('offers Start Distillation above a single-experiment file', async () => {
    const file = fixture('quick.kd.json');
    const lenses = await lensTitles(file);
    assert.deepEqual(lenses.map((l) => l.title).slice(0, 2), ['▶ Start Distillation', 'Show Architecture']);
    assert.deepEqual(lenses[0].args, [{ file }]);
  });

  it('runs a cell whose reused cell has no finished run only after offering to run that cell first', async () => {
    const studio = await api();
    const file = fixture('notebook.kd.json');
    // Started alone, the cell is refused with an offer (a notification), and no failed run is recorded.
    const refused = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.start', {
      file,
      cell: 'kd',
    });
    assert.equal(refused, undefined);
    assert.deepEqual(studio.manager.active(), []);
    assert.deepEqual(runDirsOf('notebook.kd'), []);
    // The lens's action queues the teacher cell, then the kd cell after it.
    const kd = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.start', {
      file,
      cell: 'kd',
      first: true,
    });
    assert.ok(kd);
    const jobs = studio.manager.active();
    assert.deepEqual(
      jobs.map((j) => j.cell),
      ['teacher', 'kd'],
    );
    assert.equal(kd.after, jobs[0]?.id, 'the kd cell waits for the teacher cell');
    for (const job of [...jobs].reverse()) studio.manager.stop(job.id);
    await settle(studio);
  });
});
