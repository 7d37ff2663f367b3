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
    const diagnostics = await until(() => {
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

  it('validates on demand', async () => {
    const problems = await vscode.commands.executeCommand<unknown[]>('distillationStudio.validate', { file: fixture('quick.kd.json') });
    assert.deepEqual(problems, []);
  });
});
