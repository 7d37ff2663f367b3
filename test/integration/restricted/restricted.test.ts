import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, fixture, lensTitles, workspaceDir } from '../suite/helpers';

describe('in Restricted Mode (an untrusted workspace)', () => {
  it('the workspace is untrusted and the extension is active', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const studio = await api();
    assert.ok(studio.manager);
  });

  it('refuses to start a run', async () => {
    const studio = await api();
    const job = await vscode.commands.executeCommand('distillationStudio.start', { file: fixture('quick.kd.json') });
    assert.equal(job, undefined);
    const jobs = await vscode.commands.executeCommand<unknown[]>('distillationStudio.runAll', {
      file: fixture('notebook.kd.json'),
    });
    assert.deepEqual(jobs, []);
    assert.deepEqual(studio.manager.active(), []);
    assert.equal(fs.existsSync(path.join(workspaceDir(), 'runs')), false, 'no run folder was created');
  });

  it('still shows experiments: lenses, validation and the Runs view', async () => {
    const studio = await api();
    const titles = (await lensTitles(fixture('quick.kd.json'))).map((l) => l.title);
    assert.ok(titles.includes('▶ Start Distillation') && titles.includes('Show Architecture'), titles.join(' | '));
    const problems = await vscode.commands.executeCommand<unknown[]>('distillationStudio.validate', {
      file: fixture('broken.kd.json'),
    });
    assert.ok(problems && problems.length > 0);
    assert.deepEqual(studio.tree.getChildren(), []);
  });
});
