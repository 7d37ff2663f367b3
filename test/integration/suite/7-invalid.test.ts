import { strict as assert } from 'assert';
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
    const diagnostics = await until('diagnostics from Distillation Studio', () => {
      const list = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Distillation Studio');
      return list.length > 0 ? list : undefined;
    });
    const messages = diagnostics.map((d) => d.message).join('\n');
    assert.match(messages, /must be > 0/);
    assert.match(messages, /whole number/);
    const temperature = diagnostics.find((d) => /must be > 0/.test(d.message));
    assert.equal(temperature?.range.start.line, 4, 'on the line of the temperature');
    assert.equal(temperature?.severity, vscode.DiagnosticSeverity.Error);
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
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Distillation Studio');
    assert.ok(
      diagnostics.some((d) => d.code === '$.train.epochs'),
      diagnostics.map((d) => `${String(d.code)} ${d.message}`).join('; '),
    );
    assert.deepEqual(studio.manager.active(), []);
    // Put the file back; saving revalidates and clears its problems.
    await editor.edit((edit) =>
      edit.replace(
        new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(editor.document.getText().length)),
        text,
      ),
    );
    await editor.document.save();
    assert.deepEqual(
      vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Distillation Studio'),
      [],
    );
  });

  it('validates on demand', async () => {
    const problems = await vscode.commands.executeCommand<unknown[]>('distillationStudio.validate', {
      file: fixture('quick.kd.json'),
    });
    assert.deepEqual(problems, []);
  });
});
