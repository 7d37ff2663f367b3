import { strict as assert } from 'assert';
import { buildRunsTree } from '../../../src/extension/tree/runsTreeModel';
import { run, summary } from './fixtures';

describe('runs tree model', () => {
  const a1 = run({ experiment: 'a', runId: '20261101-100000-0001', summary: summary() });
  const a2 = run({ experiment: 'a', runId: '20261102-100000-0002', status: 'failed', crashed: true });
  const b1 = run({
    experiment: 'b',
    runId: '20261103-100000-0003',
    status: 'running',
    progress: { stage: 'student', epoch: 1, epochs: 3, step: 2, stepsPerEpoch: 10 },
  });

  it('groups runs by experiment, newest experiment and run first', () => {
    const tree = buildRunsTree([a1, b1, a2]);
    assert.deepEqual(
      tree.map((e) => e.name),
      ['b', 'a'],
    );
    assert.deepEqual(
      tree[1].children.map((c) => c.label),
      ['20261102-100000-0002', '20261101-100000-0001'],
    );
    assert.equal(tree[1].description, '2 runs · best student 91.2%');
    assert.equal(tree[0].description, '1 run');
  });

  it('gives each run its icon, description and context key', () => {
    const [b, a] = buildRunsTree([a1, a2, b1]);
    const [crashed, done] = a.children;
    const running = b.children[0];
    assert.ok(crashed.kind === 'run' && done.kind === 'run' && running.kind === 'run');
    assert.deepEqual(
      [done.icon, done.contextValue, done.description],
      ['done', 'run:done', 'student 91.2% · +1.30 pts vs baseline'],
    );
    assert.deepEqual([crashed.icon, crashed.contextValue, crashed.description], ['failed', 'run:failed', 'crashed']);
    assert.deepEqual(
      [running.icon, running.contextValue, running.description],
      ['running', 'run:running', 'student · epoch 1/3 · step 2/10'],
    );
    assert.match(done.tooltip, /KD gain over baseline/);
  });

  it('lists queued runs on top, under their experiment', () => {
    const tree = buildRunsTree(
      [a1, b1],
      [
        { jobId: 7, experiment: 'a', label: 'nb · a' },
        { jobId: 8, experiment: 'c', label: 'c' },
      ],
    );
    assert.deepEqual(
      tree.map((e) => e.name),
      ['a', 'c', 'b'],
    );
    assert.deepEqual(
      tree[0].children.map((c) => [c.kind, c.icon]),
      [
        ['queued', 'queued'],
        ['run', 'done'],
      ],
    );
    const queued = tree[0].children[0];
    assert.ok(queued.kind === 'queued');
    assert.equal(queued.jobId, 7);
    assert.equal(tree[1].description, 'queued');
  });

  it('marks a run queued to resume on its own item', () => {
    const stopped = run({ experiment: 'a', runId: '20261104-100000-0004', status: 'stopped' });
    const [a] = buildRunsTree([stopped], [{ jobId: 3, experiment: 'a', resumeDir: stopped.dir, label: 'a (resumed)' }]);
    assert.equal(a.children.length, 1);
    const item = a.children[0];
    assert.ok(item.kind === 'run');
    assert.equal(item.icon, 'queued');
    assert.equal(item.description, 'queued to resume · stopped');
    assert.equal(item.contextValue, 'run:stopped');
  });

  it('is empty without runs', () => {
    assert.deepEqual(buildRunsTree([]), []);
  });
});
