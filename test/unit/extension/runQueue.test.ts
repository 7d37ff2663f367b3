import { strict as assert } from 'assert';
import { RunQueue } from '../../../src/extension/runs/runQueue';

type Job = { id: number; after?: number };
const ids = (jobs: readonly Job[]) => jobs.map((j) => j.id);

describe('run queue', () => {
  it('starts runs first come first served, at most max at once', () => {
    const q = new RunQueue<Job>();
    for (const id of [1, 2, 3]) q.add({ id });
    assert.deepEqual(ids(q.take(2)), [1, 2]);
    assert.deepEqual(ids(q.take(2)), []);
    assert.equal(q.runningCount, 2);
    assert.deepEqual(ids(q.queued), [3]);
    assert.deepEqual(q.finish(1, true), []);
    assert.deepEqual(ids(q.take(2)), [3]);
    assert.ok(q.isRunning(3));
    assert.ok(!q.isRunning(1));
  });

  it('holds a dependant until its predecessor succeeded, letting others pass', () => {
    const q = new RunQueue<Job>();
    q.add({ id: 1 });
    q.add({ id: 2, after: 1 });
    q.add({ id: 3 });
    assert.deepEqual(ids(q.take(3)), [1, 3]);
    assert.deepEqual(ids(q.queued), [2]);
    q.finish(1, true);
    assert.deepEqual(ids(q.take(3)), [2]);
  });

  it('drops the rest of a chain when a run does not succeed', () => {
    const q = new RunQueue<Job>();
    q.add({ id: 1 });
    q.add({ id: 2, after: 1 });
    q.add({ id: 3, after: 2 });
    q.add({ id: 4 });
    assert.deepEqual(ids(q.take(1)), [1]);
    assert.deepEqual(ids(q.finish(1, false)), [2, 3]);
    assert.deepEqual(ids(q.queued), [4]);
    assert.deepEqual(ids(q.take(1)), [4]);
  });

  it('cancels a waiting run together with everything waiting on it', () => {
    const q = new RunQueue<Job>();
    q.add({ id: 1 });
    q.add({ id: 2, after: 1 });
    q.add({ id: 3, after: 2 });
    q.add({ id: 4 });
    q.take(1);
    assert.deepEqual(ids(q.cancel(2)), [2, 3]);
    assert.deepEqual(ids(q.queued), [4]);
    assert.deepEqual(q.cancel(99), []);
  });
});
