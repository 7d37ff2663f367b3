// Files that once crashed or froze the extension host: `extends` to /dev/zero, to a FIFO, to a
// folder, and a 45 MB file (VS Code itself hands no file over 50 MB to extensions). Each gets a
// problem in the Problems panel while the host keeps
// answering (its event loop keeps ticking through the validation).
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, until, workspaceDir } from './helpers';

function diagnosticsOf(uri: vscode.Uri): vscode.Diagnostic[] | undefined {
  const list = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Distillation Studio');
  return list.length > 0 ? list : undefined;
}

describe('hostile experiment files', () => {
  const dir = path.join(workspaceDir(), 'hostile');
  before(async () => {
    await api();
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('mkfifo', [path.join(dir, 'pipe.kd.json')]);
    fs.mkdirSync(path.join(dir, 'folder.kd.json'));
    fs.writeFileSync(path.join(dir, 'zero.kd.json'), '{ "extends": "/dev/zero" }\n');
    fs.writeFileSync(path.join(dir, 'fifo.kd.json'), '{ "extends": "./pipe.kd.json" }\n');
    fs.writeFileSync(path.join(dir, 'dir.kd.json'), '{ "extends": "./folder.kd.json" }\n');
    fs.writeFileSync(path.join(dir, 'big.kd.json'), `{"name":"big","pad":"${'a'.repeat(45 * 1024 * 1024)}"}`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, RegExp][] = [
    ['zero.kd.json', /\/dev\/zero: expected a regular file, found a device/],
    ['fifo.kd.json', /pipe\.kd\.json: expected a regular file, found a FIFO/],
    ['dir.kd.json', /folder\.kd\.json: expected a regular file, found a folder/],
    ['big.kd.json', /too large/],
  ];
  for (const [name, pattern] of cases) {
    it(`${name}: a problem, and the host stays responsive`, async () => {
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      try {
        const uri = vscode.Uri.file(path.join(dir, name));
        await vscode.workspace.openTextDocument(uri);
        const diagnostics = await until(`problems of ${name}`, () => diagnosticsOf(uri));
        assert.match(diagnostics.map((d) => d.message).join('\n'), pattern);
        // The host answers a command while and after validating.
        const problems = await vscode.commands.executeCommand<unknown[]>('distillationStudio.validate', {
          file: uri.fsPath,
        });
        assert.ok(Array.isArray(problems) && problems.length > 0);
        assert.ok(ticks > 0, 'the host event loop kept running');
      } finally {
        clearInterval(ticker);
      }
    });
  }
});
