import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { produceOnce, WaitStopped } from '../../../src/engine/sweep/produceOnce';
import { readOutputs, writeOutputs } from '../../../src/engine/sweep/outputCache';
import { tempDir } from '../engine/fixtures';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('sweeps: made once for many runs (lock or wait) and the teacher-output file', () => {
  it('makes once when two ask at the same time; the other waits and reads it', async () => {
    const dir = tempDir();
    const result = path.join(dir, 'result.txt');
    let makes = 0;
    let waits = 0;
    const ask = (owner: string) =>
      produceOnce({
        lockFile: `${result}.lock`,
        what: 'the result',
        owner,
        read: () => (fs.existsSync(result) ? fs.readFileSync(result, 'utf8') : undefined),
        make: async () => {
          makes++;
          await sleep(150);
          fs.writeFileSync(result, `made by ${owner}`);
          return `made by ${owner}`;
        },
        shouldStop: () => false,
        onWait: () => waits++,
        pollMs: 20,
      });
    const [a, b] = await Promise.all([ask('run-a'), ask('run-b')]);
    assert.equal(makes, 1);
    assert.equal(waits, 1);
    assert.equal(a, 'made by run-a');
    assert.equal(b, 'made by run-a');
    assert.equal(fs.existsSync(`${result}.lock`), false, 'the lock is released');
  });

  it('replaces a dead maker, and a stop ends the wait for a live one', async () => {
    const dir = tempDir();
    const lockFile = path.join(dir, 'x.lock');
    // A maker on this host whose process is gone (pid 2^22 + 1 exceeds Linux's pid_max).
    const dead = { pid: 4194305, startTime: 1, host: os.hostname(), since: '2026-12-02T00:00:00Z', owner: 'gone' };
    fs.writeFileSync(lockFile, JSON.stringify(dead));
    const made = await produceOnce({
      lockFile,
      what: 'x',
      owner: 'me',
      read: () => undefined,
      make: async () => 'mine',
      shouldStop: () => false,
      pollMs: 10,
    });
    assert.equal(made, 'mine');

    // A live maker (this very process) that never finishes: the waiter stops when asked.
    fs.writeFileSync(lockFile, JSON.stringify({ ...dead, pid: process.pid, startTime: null, owner: 'busy' }));
    let polls = 0;
    await assert.rejects(
      produceOnce({
        lockFile,
        what: 'x',
        owner: 'me',
        read: () => undefined,
        make: async () => 'never',
        shouldStop: () => ++polls > 3,
        pollMs: 5,
      }),
      WaitStopped,
    );
  });

  it('reads back what it wrote, and refuses a torn, altered or foreign file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'k.bin');
    const tables = [
      { name: 'h', shape: [3], rowSize: 3, data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: null, shape: [2], rowSize: 2, data: Float32Array.from([0.5, -1, 7, 8]) },
    ];
    writeOutputs(file, 'key-1', 2, tables);
    assert.deepEqual(readOutputs(file, 'key-1', 2), tables);
    assert.equal(readOutputs(file, 'key-2', 2), undefined, 'another key');
    assert.equal(readOutputs(file, 'key-1', 3), undefined, 'another count');
    const bytes = fs.readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x40;
    fs.writeFileSync(file, flipped);
    assert.equal(readOutputs(file, 'key-1', 2), undefined, 'a changed byte fails the hash');
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4));
    assert.equal(readOutputs(file, 'key-1', 2), undefined, 'a torn file');
    fs.writeFileSync(file, bytes.subarray(0, 10));
    assert.equal(readOutputs(file, 'key-1', 2), undefined, 'a header cut short');
  });
});
