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

  it("a run opens in its experiment's panel, reused for every run of it, with one title format", async () => {
    const studio = await api();
    const all = studio.index.refreshNow().filter((r) => r.status === 'done');
    const quick = all.filter((r) => r.config?.sourceFile === fixture('quick.kd.json'));
    const other = all.find((r) => r.config?.sourceFile === fixture('notebook.kd.json') && r.config.cell === 'kd');
    assert.ok(quick.length >= 1 && other, 'earlier suites left finished runs of quick and of the notebook');
    // The file's panel is open (previous test): a run of it switches that panel to the run.
    await vscode.commands.executeCommand('distillationStudio.showPanel', { runDir: quick[0].dir });
    const panels = await until('the quick panel to follow the run', () => {
      const open = studio.experimentPanels();
      return open.length === 1 && open[0].runDir === quick[0].dir ? open : undefined;
    });
    assert.equal(panels[0].title, 'quick', 'the same title as the file panel');
    assert.equal(webviewTabs('distillationStudio.experimentPanel').length, 1, 'no second tab');
    // Another experiment opens its own panel, titled "<file> · <cell>" like a cell's panel.
    await vscode.commands.executeCommand('distillationStudio.showPanel', { runDir: other.dir });
    await until('a second experiment panel tab', () =>
      webviewTabs('distillationStudio.experimentPanel').length === 2 ? true : undefined,
    );
    assert.deepEqual(
      studio
        .experimentPanels()
        .map((p) => p.title)
        .sort(),
      ['notebook · kd', 'quick'],
    );
    // The cell's own panel is the same one.
    await vscode.commands.executeCommand('distillationStudio.showPanel', {
      file: fixture('notebook.kd.json'),
      cell: 'kd',
    });
    assert.equal(studio.experimentPanels().length, 2);
    await vscode.commands.executeCommand(
      'distillationStudio.compareRuns',
      all.slice(0, 2).map((r) => r.dir),
    );
    await until('a comparison panel tab', () => webviewTabs('distillationStudio.comparePanel')[0]);
  });
});
