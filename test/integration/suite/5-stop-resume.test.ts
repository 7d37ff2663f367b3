import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { readRun } from '../../../src/engine/store/runStore';
import type { RunJob } from '../../../src/extension/runs/runManager';
import { api, eventOf, fixture, lensTitles, settle, until } from './helpers';

describe('Stop and Resume', () => {
  afterEach(async () => settle(await api()));

  it('stops a run cleanly with a checkpoint, and Resume finishes it', async () => {
    const studio = await api();
    const file = fixture('slow.kd.json');
    const job = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.start', { file });
    assert.ok(job);
    const { runDir } = await eventOf(studio, job, 'checkpoint');
    assert.equal(job.runDir, runDir);
    // The file trains one model on labels alone: its live progress names the teacher it makes.
    const progress = await until('the progress notification to show an epoch', () =>
      studio.liveProgress().find((p) => p.jobId === job.id && /epoch/.test(p.text)),
    );
    assert.match(progress.text, /^teacher · epoch \d+\/60/);
    await vscode.commands.executeCommand('distillationStudio.stop', { jobId: job.id });
    const stopped = await job.finished;
    assert.equal(stopped.status, 'stopped', stopped.message);
    const onDisk = readRun(runDir);
    assert.equal(onDisk.status, 'stopped');
    assert.ok((onDisk.progress?.epoch ?? 60) < 60, 'stopped before the end');

    studio.index.refreshNow();
    // The stopped run can be resumed: its CodeLens offers it.
    const resumeLens = await until('a Resume lens', async () =>
      (await lensTitles(file)).find((l) => l.command === 'distillationStudio.resume'),
    );
    assert.deepEqual(resumeLens.args, [{ runDir }]);
    const resumed = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.resume', { runDir });
    assert.ok(resumed);
    assert.equal(resumed.runDir, runDir, 'the same run folder continues');
    const { event: start } = await eventOf(studio, resumed, 'stage-start');
    assert.ok(start.startEpoch > 1, 'resumed after the checkpointed epoch');
    const done = await resumed.finished;
    assert.equal(done.status, 'done', done.message);
    assert.equal(readRun(runDir).status, 'done');
  });
});
