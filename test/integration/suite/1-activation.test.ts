import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, fixture, until } from './helpers';

describe('activation', () => {
  it('activates by itself in a workspace holding *.kd.json files', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension is installed');
    // workspaceContains:**/*.kd.json: nobody calls activate() here.
    await until('the extension to activate', () => (extension.isActive ? true : undefined));
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

  it('shows the Runs view, listing the runs of the store', async () => {
    await vscode.commands.executeCommand('distillationStudio.runs.focus');
    const studio = await api();
    // The tree's root items are the experiment files of the run store (empty on a fresh workspace),
    // their children the experiments, and the view's welcome content is declared for exactly this view.
    studio.index.refreshNow();
    const roots = studio.tree.getChildren();
    assert.ok(
      roots.every((node) => node.kind === 'file'),
      'experiment files at the root',
    );
    const experiments = new Set(studio.index.runs().map((r) => r.experiment));
    assert.equal(
      roots.flatMap((f) => studio.tree.getChildren(f)).length,
      experiments.size,
      'one row per experiment of the run store',
    );
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { views: Record<string, { id: string }[]>; viewsWelcome: { view: string }[] };
    };
    assert.deepEqual(
      manifest.contributes.views.distillation?.map((v) => v.id),
      ['distillationStudio.runs'],
    );
    assert.ok(manifest.contributes.viewsWelcome.some((w) => w.view === 'distillationStudio.runs'));
  });
});
