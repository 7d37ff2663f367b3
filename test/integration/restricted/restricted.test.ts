import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
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

describe('in Restricted Mode, files outside the workspace', () => {
  it('are not read: extends to an outside file is a problem that says why', async () => {
    await api();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-outside-'));
    fs.writeFileSync(
      path.join(outside, 'base.kd.json'),
      JSON.stringify({ data: { dataset: 'mnist' }, student: { preset: 'mlp', hidden: [4] } }),
    );
    const file = fixture('outside.kd.json');
    fs.writeFileSync(file, JSON.stringify({ extends: path.join(outside, 'base.kd.json') }, null, 2));
    try {
      const problems = await vscode.commands.executeCommand<{ message: string; path: string }[]>(
        'distillationStudio.validate',
        { file },
      );
      const outsideProblem = problems?.find((p) => p.path === '$.extends');
      assert.ok(outsideProblem, JSON.stringify(problems));
      assert.match(outsideProblem.message, /outside the workspace: not read in Restricted Mode/);
    } finally {
      fs.rmSync(file, { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
