import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import type { RunJob } from '../../../src/extension/runs/runManager';
import { api, fixture, settle } from './helpers';

describe('Run All Cells', () => {
  afterEach(async () => settle(await api()));

  it('runs the cells in order, the later ones queued meanwhile', async () => {
    const studio = await api();
    const file = fixture('notebook.kd.json');
    const jobs = await vscode.commands.executeCommand<RunJob[]>('distillationStudio.runAll', { file });
    assert.deepEqual(
      jobs.map((j) => j.cell),
      ['teacher', 'kd'],
    );
    assert.equal(jobs[1].state, 'queued');
    // The queued cell shows in the Runs view until it starts.
    const queued = studio.tree
      .experiments()
      .flatMap((e) => e.children)
      .filter((c) => c.kind === 'queued');
    assert.ok(
      queued.some((q) => q.kind === 'queued' && q.jobId === jobs[1].id),
      'the second cell is listed as queued',
    );
    const [teacher, kd] = await Promise.all(jobs.map((j) => j.finished));
    assert.equal(teacher.status, 'done', teacher.message);
    assert.equal(kd.status, 'done', kd.message);
    // The kd cell reused the teacher cell's model, so it started after the teacher ended.
    assert.ok(kd.summary && teacher.summary && kd.summary.startedAt >= teacher.summary.endedAt);
    assert.ok(kd.summary?.kdGain !== undefined, 'the kd cell trained a baseline too');
  });
});
