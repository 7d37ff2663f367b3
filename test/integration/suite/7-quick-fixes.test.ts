import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { fixture, until } from './helpers';

/** The diagnostic whose range covers `needle` in the document, once the validator reports it. */
async function diagnosticAt(uri: vscode.Uri, needle: string, message: RegExp): Promise<vscode.Diagnostic> {
  const document = await vscode.workspace.openTextDocument(uri);
  const at = document.getText().indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the file`);
  const range = new vscode.Range(document.positionAt(at), document.positionAt(at + needle.length));
  return until(`the problem at ${needle}`, () =>
    vscode.languages.getDiagnostics(uri).find((d) => d.range.isEqual(range) && message.test(d.message)),
  );
}

async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter((a) => a.title.startsWith('Replace with'));
}

describe('names a model or a file does not have', () => {
  it('are reported at the name, with the valid layer names offered as quick fixes, nearest first', async () => {
    const file = fixture('layers.kd.json');
    const text = fs
      .readFileSync(fixture('quick.kd.json'), 'utf8')
      .replace('"name": "quick"', '"name": "layers"')
      .replace(
        '{ "type": "kd", "weight": 0.5, "temperature": 4 }',
        '{ "type": "hint", "weight": 0.5, "teacherLayer": "hiden_1", "studentLayer": "hidden_1" }',
      );
    fs.writeFileSync(file, text);
    const uri = vscode.Uri.file(file);
    try {
      await vscode.window.showTextDocument(uri);
      const diagnostic = await diagnosticAt(uri, '"hiden_1"', /teacher layer "hiden_1" not found/);
      assert.match(diagnostic.message, /the teacher's layers are hidden_1, logits$/);
      const fixes = await quickFixes(uri, diagnostic);
      assert.deepEqual(
        fixes.map((f) => f.title),
        ['Replace with "hidden_1"', 'Replace with "logits"'],
      );
      assert.equal(fixes[0]?.isPreferred, true);
      assert.ok(fixes[0]?.edit && (await vscode.workspace.applyEdit(fixes[0].edit)));
      await until('the problem gone once fixed', () =>
        vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined,
      );
      const document = await vscode.workspace.openTextDocument(uri);
      assert.match(document.getText(), /"teacherLayer": "hidden_1"/);
      await document.save();
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      fs.rmSync(file, { force: true });
    }
  });

  it('offers the earlier cells for a misspelt fromCell', async () => {
    const file = fixture('cellnames.kd.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          data: { dataset: 'synthetic', shape: [4], classes: 2, trainSize: 32, testSize: 8 },
          train: { epochs: 1 },
          cells: [
            { name: 'teacher', student: { preset: 'mlp', hidden: [8] } },
            { name: 'helper', student: { preset: 'mlp', hidden: [4] } },
            {
              name: 'kd',
              teacher: { fromCell: 'teachr' },
              student: { preset: 'mlp', hidden: [2] },
              distill: { losses: [{ type: 'kd', weight: 1 }] },
            },
          ],
        },
        null,
        2,
      ),
    );
    const uri = vscode.Uri.file(file);
    try {
      await vscode.window.showTextDocument(uri);
      const diagnostic = await diagnosticAt(uri, '"teachr"', /no cell named "teachr"/);
      const fixes = await quickFixes(uri, diagnostic);
      assert.deepEqual(
        fixes.map((f) => f.title),
        ['Replace with "teacher"', 'Replace with "helper"'],
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      fs.rmSync(file, { force: true });
    }
  });
});
