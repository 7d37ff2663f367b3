// A new user's first step: copy the examples into a workspace of their own and open them. Every one
// must get the extension's schema there (hovers, completion, VS Code's own checks): a relative
// `$schema` in a file points nowhere once copied, and VS Code lets it win over the extension's schema.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, until, workspaceDir } from './helpers';

function experimentFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return experimentFiles(full);
    return entry.name.endsWith('.kd.json') ? [full] : [];
  });
}

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

describe('the examples, copied into a workspace of their own', () => {
  const copy = path.join(workspaceDir(), 'copied-examples');

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it("each gets the extension's schema: a hover on its data, no schema that cannot be loaded", async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    fs.cpSync(path.join(extension.extensionPath, 'examples'), copy, { recursive: true });
    const files = experimentFiles(copy);
    assert.ok(files.length >= 20, files.join(', '));
    for (const file of files) {
      const uri = vscode.Uri.file(file);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false });
      const at = document.positionAt(document.getText().indexOf('"data"') + 2);
      const name = path.relative(copy, file);
      const text = await until(`a hover on "data" in ${name}`, async () => {
        const found = hoverText(
          await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at),
        );
        return /The dataset/.test(found) ? found : undefined;
      });
      assert.match(text, /The dataset/);
      const schemaErrors = vscode.languages
        .getDiagnostics(uri)
        .filter((d) => /schema/i.test(d.message) && /load|resolve/i.test(d.message));
      assert.deepEqual(
        schemaErrors.map((d) => d.message),
        [],
        name,
      );
    }
  });
});
