// The describe child (Show Architecture) is killed when it overruns its time limit, even when it
// ignores SIGTERM (a child busy building a huge layer never gets to handle it).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { describeExperiment } from '../../../src/extension/panel/describe';
import { processStartTime } from '../../../src/engine/store/runLock';
import { tempDir } from '../engine/fixtures';

describe('describe child', function () {
  this.timeout(30000);

  it('is killed on timeout even when it ignores SIGTERM', async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, 'pid');
    // A stand-in runner: records its pid, ignores SIGTERM, never answers.
    const runner = path.join(dir, 'runner.js');
    fs.writeFileSync(
      runner,
      `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);`,
    );
    const call = describeExperiment(
      {
        runnerCommand: () => ({ command: process.execPath, args: [runner], env: process.env }),
        runsDir: () => dir,
      },
      path.join(dir, 'x.kd.json'),
      undefined,
      1500,
    );
    await assert.rejects(call.result, /took longer than 1.5 s/);
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.strictEqual(processStartTime(pid), undefined, `process ${pid} is gone`);
  });
});
