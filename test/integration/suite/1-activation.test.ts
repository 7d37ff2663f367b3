import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, fixture, until } from './helpers';

describe('activation', () => {
  it('activates by itself in a workspace holding *.kd.json files', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension is installed');
    // workspaceContains:**/*.kd.json: nobody calls activate() here.
    await until(() => (extension.isActive ? true : undefined));
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of [
      'start',
      'runAll',
      'stop',
      'resume',
      'showPanel',
      'compareRuns',
      'newExperiment',
      'validate',
      'openRunFolder',
      'deleteRun',
    ]) {
      assert.ok(commands.includes(`distillationStudio.${id}`), `distillationStudio.${id} is registered`);
    }
  });

  it('opens *.kd.json files as JSON, with the experiment schema attached', async () => {
    const document = await vscode.workspace.openTextDocument(fixture('quick.kd.json'));
    assert.equal(document.languageId, 'jsonc');
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { jsonValidation: { fileMatch: string; url: string }[] };
    };
    assert.deepEqual(manifest.contributes.jsonValidation, [
      { fileMatch: '*.kd.json', url: './schemas/kd.schema.json' },
    ]);
  });

  it('shows the Runs view', async () => {
    await vscode.commands.executeCommand('distillationStudio.runs.focus');
  });
});
