import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { api, fixture, lensTitles } from './helpers';

describe('CodeLenses', () => {
  before(async () => {
    await api();
  });

  it('offers Run All above a notebook and Start Distillation above each cell', async () => {
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
    const kdStart = lenses.find((l) => l.line === kdLine && l.title === '▶ Start Distillation');
    assert.ok(kdStart, 'a Start lens above the kd cell');
    assert.equal(kdStart.command, 'distillationStudio.start');
    assert.deepEqual(kdStart.args, [{ file, cell: 'kd' }]);
  });

  it('offers Start Distillation above a single-experiment file', async () => {
    const file = fixture('quick.kd.json');
    const lenses = await lensTitles(file);
    assert.deepEqual(lenses.map((l) => l.title).slice(0, 2), ['▶ Start Distillation', 'Show Architecture']);
    assert.deepEqual(lenses[0].args, [{ file }]);
  });
});
