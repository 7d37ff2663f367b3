import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { api, fixture, until } from './helpers';

function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));
}

describe('panels', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Show Architecture opens the experiment panel of a file', async () => {
    await api();
    await vscode.commands.executeCommand('distillationStudio.showPanel', { file: fixture('quick.kd.json') });
    const tab = await until('an experiment panel tab', () => webviewTabs('distillationStudio.experimentPanel')[0]);
    assert.match(tab.label, /quick/);
  });

  it('a run opens in the experiment panel, and runs open side by side in the comparison', async () => {
    const studio = await api();
    const runs = studio.index.refreshNow().filter((r) => r.status === 'done');
    assert.ok(runs.length >= 2, 'earlier suites left finished runs');
    await vscode.commands.executeCommand('distillationStudio.showPanel', { runDir: runs[0].dir });
    await until('a second experiment panel tab', () =>
      webviewTabs('distillationStudio.experimentPanel').length >= 2 ? true : undefined,
    );
    await vscode.commands.executeCommand(
      'distillationStudio.compareRuns',
      runs.slice(0, 2).map((r) => r.dir),
    );
    await until('a comparison panel tab', () => webviewTabs('distillationStudio.comparePanel')[0]);
  });
});
