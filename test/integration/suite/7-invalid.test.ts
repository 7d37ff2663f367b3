import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { api, fixture, runDirsOf, until } from './helpers';

describe('an invalid experiment', () => {
  it('gets diagnostics in the Problems panel and no run', async () => {
    const studio = await api();
    const file = fixture('broken.kd.json');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(uri);
    const before = studio.manager.active().length;
    const job = await vscode.commands.executeCommand('distillationStudio.start', { file });
    assert.equal(job, undefined);
    assert.equal(studio.manager.active().length, before);
    // Each problem once, from one source (VS Code's JSON checker or the engine), at its place.
    const document = await vscode.workspace.openTextDocument(uri);
    const placeOf = (needle: string) => {
      const at = document.getText().indexOf(needle);
      return new vscode.Range(document.positionAt(at), document.positionAt(at + needle.length));
    };
    const temperature = placeOf('-4');
    const epochs = placeOf('"two"');
    const at = (list: readonly vscode.Diagnostic[], range: vscode.Range) =>
      list.filter((d) => d.range.intersection(range) !== undefined);
    await until('the temperature and the epochs reported', () => {
      const list = vscode.languages.getDiagnostics(uri);
      return at(list, temperature).length > 0 && at(list, epochs).length > 0 ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const settled = vscode.languages.getDiagnostics(uri);
    assert.equal(at(settled, temperature).length, 1, listed(settled));
    assert.equal(at(settled, epochs).length, 1, listed(settled));
    for (const d of settled)
      assert.equal(settled.filter((o) => o.range.intersection(d.range) !== undefined).length, 1, listed(settled));
    assert.ok(
      settled.some((d) => /needs a teacher/.test(d.message)),
      "the engine's own check is kept",
    );
    assert.deepEqual(runDirsOf('broken'), []);
  });

  it('saves unsaved edits before validating them', async () => {
    const studio = await api();
    const uri = vscode.Uri.file(fixture('quick.kd.json'));
    const editor = await vscode.window.showTextDocument(uri);
    const text = editor.document.getText();
    const at = text.indexOf('"epochs": 2');
    assert.ok(at > 0);
    const range = new vscode.Range(
      editor.document.positionAt(at),
      editor.document.positionAt(at + '"epochs": 2'.length),
    );
    await editor.edit((edit) => edit.replace(range, '"epochs": 0'));
    assert.ok(editor.document.isDirty);
    const job = await vscode.commands.executeCommand('distillationStudio.start', { file: uri.fsPath });
    assert.equal(job, undefined, 'the saved text is invalid: no run');
    assert.equal(editor.document.isDirty, false, 'the edit was saved first');
    const line = editor.document.positionAt(at).line;
    const diagnostics = await until('the epochs problem', () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => d.range.start.line === line);
      return list.length > 0 ? list : undefined;
    });
    assert.equal(diagnostics.length, 1, listed(diagnostics));
    assert.deepEqual(studio.manager.active(), []);
    // Put the file back; saving revalidates and clears its problems.
    await editor.edit((edit) =>
      edit.replace(
        new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length)),
        text,
      ),
    );
    await editor.document.save();
    await until('no problems left', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
  });

  it('reports a missing comma once and follows the live text', async () => {
    const uri = vscode.Uri.file(fixture('quick.kd.json'));
    const editor = await vscode.window.showTextDocument(uri);
    const text = editor.document.getText();
    const comma = text.indexOf(',');
    assert.ok(comma > 0);
    await editor.edit((edit) =>
      edit.delete(new vscode.Range(editor.document.positionAt(comma), editor.document.positionAt(comma + 1))),
    );
    await editor.document.save(); // saving validates too: still one report
    const broken = await until('the missing comma reported', () => {
      const list = vscode.languages.getDiagnostics(uri);
      return list.length > 0 ? list : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const settled = vscode.languages.getDiagnostics(uri);
    assert.equal(settled.length, 1, listed(settled));
    assert.ok(broken.length >= 1);
    // Corrected and not saved: the problem goes with the text.
    await editor.edit((edit) => edit.insert(editor.document.positionAt(comma), ','));
    assert.equal(editor.document.getText(), text);
    await until(
      'the problem cleared',
      () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined),
      10_000,
    );
    await editor.document.save();
  });

  it('clears problems of a file not open in an editor once it is corrected on disk', async () => {
    const text = fs.readFileSync(fixture('quick.kd.json'), 'utf8');
    const file = fixture('ondisk.kd.json');
    const uri = vscode.Uri.file(file);
    fs.writeFileSync(file, text.replace('"epochs": 2', '"epochs": 0'));
    try {
      const problems = await vscode.commands.executeCommand<unknown[]>('distillationStudio.validate', { file });
      assert.ok(problems && problems.length > 0);
      await until('the epochs problem shown', () =>
        vscode.languages.getDiagnostics(uri).length > 0 ? true : undefined,
      );
      fs.writeFileSync(file, text);
      await until('problems cleared after the fix on disk', () =>
        vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined,
      );
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('validates on demand', async () => {
    const problems = await vscode.commands.executeCommand<unknown[]>('distillationStudio.validate', {
      file: fixture('quick.kd.json'),
    });
    assert.deepEqual(problems, []);
  });
});

function listed(list: readonly vscode.Diagnostic[]): string {
  return list
    .map((d) => `${d.range.start.line}:${d.range.start.character} [${String(d.source)}] ${d.message}`)
    .join('; ');
}
