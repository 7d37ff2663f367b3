import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listRuns, RunWriter, SUMMARY_FILE } from '../../../src/engine/store/runStore';
import { acquireLock, releaseLock } from '../../../src/engine/store/runLock';
import { RunCache } from '../../../src/extension/runs/runCache';
import type { RunEvent } from '../../../src/protocol/events';
import { summary } from './fixtures';

const time = '2026-11-23T20:15:00.000Z';

function makeRun(runsDir: string, experiment: string, runId: string, events: RunEvent[]): string {
  const dir = path.join(runsDir, experiment, runId);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ name: experiment, sourceFile: '/ws/x.kd.json' }));
  const writer = new RunWriter(dir);
  for (const event of events) writer.appendEvent(event);
  writer.close();
  return dir;
}

const start = (runId: string, pid: number): RunEvent => ({
  type: 'run-start',
  time,
  runId,
  experiment: 'x',
  sourceFile: '/ws/x.kd.json',
  backend: 'cpu',
  backendNotes: [],
  pid,
  resumed: false,
});

describe('run cache', () => {
  let runsDir: string;
  beforeEach(() => {
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-cache-'));
  });
  afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

  it('lists what listRuns lists, newest first', () => {
    makeRun(runsDir, 'a', '20261101-000000-0001', [start('1', process.pid), { type: 'run-end', time, status: 'done' }]);
    makeRun(runsDir, 'b', '20261102-000000-0002', [
      start('2', process.pid),
      { type: 'run-end', time, status: 'stopped' },
    ]);
    fs.mkdirSync(path.join(runsDir, 'a', 'not-a-run'), { recursive: true });
    const cached = new RunCache().list(runsDir);
    assert.deepEqual(
      cached.map((r) => [r.runId, r.status]),
      [
        ['20261102-000000-0002', 'stopped'],
        ['20261101-000000-0001', 'done'],
      ],
    );
    assert.deepEqual(cached, listRuns(runsDir));
  });

  it('re-reads a run only when its files change', () => {
    const dir = makeRun(runsDir, 'a', '20261101-000000-0001', [
      start('1', process.pid),
      { type: 'run-end', time, status: 'done' },
    ]);
    const cache = new RunCache();
    const first = cache.list(runsDir)[0];
    assert.equal(cache.list(runsDir)[0], first, 'an unchanged finished run is not read again');
    fs.writeFileSync(path.join(dir, SUMMARY_FILE), JSON.stringify(summary()));
    const second = cache.list(runsDir)[0];
    assert.notEqual(second, first);
    assert.equal(second.summary?.kdGain, 0.013);
  });

  it('re-reads running runs, so a runner that died is noticed', () => {
    // A pid that cannot exist: the run reads as crashed.
    makeRun(runsDir, 'a', '20261101-000000-0001', [start('1', 2 ** 30)]);
    const run = new RunCache().list(runsDir)[0];
    assert.equal(run.status, 'failed');
    assert.equal(run.crashed, true);
    const live = makeRun(runsDir, 'b', '20261102-000000-0002', [start('2', process.pid)]);
    // Live means a live process holds the run's lock (a pid in the events alone proves nothing).
    acquireLock(live);
    const cache = new RunCache();
    assert.equal(cache.list(runsDir)[0].status, 'running');
    const again = cache.list(runsDir).find((r) => r.dir === live);
    assert.equal(again?.status, 'running');
    releaseLock(live);
  });

  it('forgets deleted runs and copes with a missing runs folder', () => {
    const dir = makeRun(runsDir, 'a', '20261101-000000-0001', [
      start('1', process.pid),
      { type: 'run-end', time, status: 'done' },
    ]);
    const cache = new RunCache();
    assert.equal(cache.list(runsDir).length, 1);
    fs.rmSync(dir, { recursive: true });
    assert.deepEqual(cache.list(runsDir), []);
    assert.deepEqual(cache.list(path.join(runsDir, 'missing')), []);
  });
});
