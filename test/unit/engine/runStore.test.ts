import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  createRunDir,
  foldEvents,
  listRuns,
  newRunId,
  readRun,
  RunWriter,
  latestFinishedRun,
} from '../../../src/engine/store/runStore';
import type { RunEvent, RunSummary } from '../../../src/protocol/events';
import { syntheticExperiment, tempDir } from './fixtures';

const t = '2026-11-23T00:00:00.000Z';
const start = (pid: number): RunEvent => ({
  type: 'run-start',
  time: t,
  runId: 'r',
  experiment: 'e',
  sourceFile: 'f',
  backend: 'cpu',
  backendNotes: [],
  pid,
  resumed: false,
});

describe('run store', () => {
  it('makes sortable, unique run ids', () => {
    const a = newRunId(new Date(2026, 0, 2, 3, 4, 5));
    assert.match(a, /^20260102-030405-[0-9a-f]{4}$/);
    assert.ok(newRunId(new Date(2026, 0, 2, 3, 4, 6)) > a);
  });

  it('derives the status of a finished, a live and a crashed run from events alone', () => {
    const end: RunEvent = { type: 'run-end', time: t, status: 'stopped' };
    assert.strictEqual(foldEvents([start(1), end], () => false).status, 'stopped');
    assert.strictEqual(foldEvents([start(1)], () => true).status, 'running');
    const crashed = foldEvents([start(1)], () => false);
    assert.strictEqual(crashed.status, 'failed');
    assert.strictEqual(crashed.crashed, true);
    // A resumed run appends a new run-start after an earlier end: it is running again.
    assert.strictEqual(foldEvents([start(1), end, start(2)], (pid) => pid === 2).status, 'running');
  });

  it('tracks progress from stage and step events', () => {
    const events: RunEvent[] = [
      start(1),
      {
        type: 'stage-start',
        time: t,
        stage: 'student',
        role: 'student',
        epochs: 5,
        stepsPerEpoch: 10,
        terms: ['ce'],
        startEpoch: 1,
      },
      {
        type: 'step',
        time: t,
        stage: 'student',
        epoch: 2,
        step: 7,
        stepsPerEpoch: 10,
        globalStep: 17,
        losses: { ce: 0.5 },
        total: 0.5,
        lr: 0.1,
        samplesPerSec: 100,
      },
    ];
    assert.deepStrictEqual(foldEvents(events, () => true).progress, {
      stage: 'student',
      epoch: 2,
      epochs: 5,
      step: 7,
      stepsPerEpoch: 10,
      total: 0.5,
    });
  });

  it('writes config, events and summary that readers list back, newest first, ignoring a torn last line', () => {
    const runsDir = tempDir();
    const experiment = syntheticExperiment();
    const older = createRunDir(runsDir, experiment, [], '20260101-000000-aaaa');
    const newer = createRunDir(runsDir, experiment, [], '20260102-000000-bbbb');
    const writer = new RunWriter(newer);
    writer.appendEvent(start(process.pid));
    writer.appendEvent({ type: 'run-end', time: t, status: 'done' });
    const summary = {
      runId: 'x',
      experiment: experiment.name,
      status: 'done',
      models: {},
      product: 'student',
    } as unknown as RunSummary;
    writer.writeSummary(summary);
    writer.close();
    fs.appendFileSync(path.join(newer, 'events.jsonl'), '{"type":"ste');
    const runs = listRuns(runsDir);
    assert.deepStrictEqual(
      runs.map((r) => r.runId),
      ['20260102-000000-bbbb', '20260101-000000-aaaa'],
    );
    assert.strictEqual(runs[0].status, 'done');
    assert.strictEqual(runs[0].config?.name, experiment.name);
    assert.strictEqual(readRun(older).status, 'running');
    assert.strictEqual(latestFinishedRun(runsDir, experiment.name)?.runId, '20260102-000000-bbbb');
    assert.ok(!fs.readdirSync(newer).some((f) => f.includes('.tmp-')), 'no temp files are left behind');
  });

  it('returns no runs for a missing runs directory', () => {
    assert.deepStrictEqual(listRuns(path.join(tempDir(), 'absent')), []);
  });
});
