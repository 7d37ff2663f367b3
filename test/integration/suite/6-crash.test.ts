import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import type { RunJob } from '../../../src/extension/runs/runManager';
import { api, eventOf, fixture, lensTitles, settle, until } from './helpers';

describe('a killed runner', () => {
  afterEach(async () => settle(await api()));

  it('ends as crashed with the host still working', async () => {
    const studio = await api();
    const file = fixture('slow.kd.json');
    const job = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.start', { file });
    assert.ok(job);
    const { runDir } = await eventOf(studio, job, 'step');
    assert.ok(job.pid);
    process.kill(job.pid, 'SIGKILL');
    const outcome = await job.finished;
    assert.equal(outcome.status, 'crashed');
    assert.match(outcome.message ?? '', /SIGKILL/);
    assert.equal(outcome.runDir, runDir);

    // The host goes on: the store reads the run as crashed, lenses still come, and a run can start.
    studio.index.refreshNow();
    const run = await until('the crashed run in the run index', () =>
      studio.index.runs().find((r) => r.dir === runDir),
    );
    assert.equal(run.status, 'failed');
    assert.equal(run.crashed, true);
    assert.ok((await lensTitles(file)).length > 0);
    const again = await vscode.commands.executeCommand<RunJob | undefined>('distillationStudio.start', {
      file: fixture('quick.kd.json'),
    });
    assert.ok(again);
    assert.equal((await again.finished).status, 'done');
  });
});
