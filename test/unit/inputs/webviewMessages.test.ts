// Webview messages are checked against the contract before the host uses them.
import * as assert from 'assert';
import { checkCompareCommand, checkPanelCommand } from '../../../src/protocol/webviewMessages';

describe('inputs: webview messages checked against the contract', () => {
  it('passes every message of the contract', () => {
    const good: unknown[] = [
      { type: 'ready' },
      { type: 'revealLayer', stage: 'student', layer: 'hidden_1', index: 0 },
      { type: 'export', format: 'png', fileName: 'chart.png', data: 'iVBORw0K' },
      { type: 'export', format: 'csv', fileName: 'table.csv', data: 'a,b\n1,2\n', id: 'e1' },
    ];
    for (const message of good) assert.deepStrictEqual(checkPanelCommand(message), { ok: true, message });
    for (const message of [{ type: 'ready' }, { type: 'openRun', runDir: '/runs/x/1' }, good[2]])
      assert.deepStrictEqual(checkCompareCommand(message), { ok: true, message });
  });

  it('drops malformed and unknown messages with a reason', () => {
    const bad: [unknown, RegExp][] = [
      [null, /not an object/],
      ['ready', /not an object/],
      [[{ type: 'ready' }], /not an object/],
      [{ type: 'deleteEverything' }, /unknown message type "deleteEverything"/],
      [{ type: 'ready', extra: 1 }, /unexpected field "extra"/],
      [{ type: 'revealLayer', stage: 'student', layer: 'x', index: -1 }, /index must be a non-negative integer/],
      [{ type: 'revealLayer', stage: 'student', layer: 'x', index: '0' }, /index/],
      [{ type: 'revealLayer', stage: { toString: 1 }, layer: 'x', index: 0 }, /stage and layer/],
      [{ type: 'export', format: 'exe', fileName: 'x', data: '' }, /unknown format/],
      [{ type: 'export', format: 'csv', fileName: 7, data: '' }, /fileName/],
      [{ type: 'export', format: 'csv', fileName: 'x.csv', data: 'a'.repeat(64 * 1024 * 1024 + 1) }, /under 64 MB/],
    ];
    for (const [message, reason] of bad) {
      const checked = checkPanelCommand(message);
      assert.strictEqual(checked.ok, false, JSON.stringify(message)?.slice(0, 80));
      if (!checked.ok) assert.match(checked.reason, reason);
    }
    const run = checkCompareCommand({ type: 'openRun', runDir: 42 });
    assert.ok(!run.ok && /runDir/.test(run.reason));
    assert.strictEqual(checkCompareCommand({ type: 'revealLayer', stage: 's', layer: 'l', index: 0 }).ok, false);
  });
});
