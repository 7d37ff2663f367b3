import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canResume, whyNotResumable } from '../../../src/engine/store/resumable';

describe('which runs can be resumed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-resumable-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a stopped run, and a crashed one with a checkpoint; not one that failed on its configuration', () => {
    const withUnit = path.join(dir, 'a');
    fs.mkdirSync(path.join(withUnit, 'checkpoints', 'distill'), { recursive: true });
    fs.writeFileSync(path.join(withUnit, 'checkpoints', 'distill', 'state.json'), '{}');
    const bare = path.join(dir, 'b');
    fs.mkdirSync(path.join(bare, 'checkpoints'), { recursive: true });
    assert.equal(canResume({ status: 'stopped', crashed: false, dir: bare }), true);
    assert.equal(canResume({ status: 'failed', crashed: true, dir: withUnit }), true);
    assert.equal(canResume({ status: 'failed', crashed: true, dir: bare }), false);
    const config = { status: 'failed' as const, crashed: false, dir: withUnit, error: 'teacher layer "x" not found' };
    assert.equal(canResume(config), false);
    assert.match(whyNotResumable(config) ?? '', /teacher layer "x" not found.*would fail the same way/);
    assert.equal(canResume({ status: 'done', crashed: false, dir: withUnit }), false);
  });
});
