import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseEventLine, type RunEvent } from '../../../src/protocol/events';
import { listRuns, readRun } from '../../../src/engine/store/runStore';
import { tempDir } from '../engine/fixtures';
import { collect, startTs, writeSyntheticFile } from './processes';

describe('runner process', function () {
  this.timeout(300000);

  it('streams every event as a JSON line and exits 0 when done', async () => {
    const dir = tempDir();
    const file = writeSyntheticFile(dir);
    const events: RunEvent[] = [];
    const result = await collect(
      startTs('src/runner/main.ts', ['--file', file, '--runs-dir', path.join(dir, 'runs')]),
      (line) => {
        const event = parseEventLine(line);
        if (event) events.push(event);
      },
    );
    assert.strictEqual(result.code, 0, result.stderr);
    assert.strictEqual(events[0].type, 'run-start');
    assert.deepStrictEqual(events[events.length - 1], {
      ...events[events.length - 1],
      type: 'run-end',
      status: 'done',
    });
    const [run] = listRuns(path.join(dir, 'runs'));
    assert.strictEqual(run.status, 'done');
    assert.strictEqual(
      fs.readFileSync(path.join(run.dir, 'events.jsonl'), 'utf8').trim().split('\n').length,
      events.length,
    );
  });

  it('stops on SIGTERM with a checkpoint (exit 130) and resumes to the end', async () => {
    const dir = tempDir();
    const runsDir = path.join(dir, 'runs');
    const file = writeSyntheticFile(dir, 'stoppable.kd.json', {
      train: { epochs: 30, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 } },
      teacher: undefined,
      distill: { losses: [{ type: 'ce', weight: 1 }] },
    });
    const child = startTs('src/runner/main.ts', ['--file', file, '--runs-dir', runsDir]);
    let signalled = false;
    const result = await collect(child, (line) => {
      const event = parseEventLine(line);
      if (event?.type === 'checkpoint' && !signalled) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    assert.strictEqual(result.code, 130, result.stderr);
    const [stopped] = listRuns(runsDir);
    assert.strictEqual(stopped.status, 'stopped');
    assert.ok(fs.existsSync(path.join(stopped.dir, 'checkpoints', 'student', 'last', 'model.json')));

    const resumed = await collect(startTs('src/runner/main.ts', ['--resume', stopped.dir, '--runs-dir', runsDir]));
    assert.strictEqual(resumed.code, 0, resumed.stderr);
    const after = readRun(stopped.dir);
    assert.strictEqual(after.status, 'done');
    assert.strictEqual(after.summary?.models.student.last.epoch, 30);
  });

  it('leaves a killed run (SIGKILL) readable as crashed, and resume finishes it', async () => {
    const dir = tempDir();
    const runsDir = path.join(dir, 'runs');
    const file = writeSyntheticFile(dir, 'killed.kd.json', {
      train: { epochs: 30, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 } },
    });
    const child = startTs('src/runner/main.ts', ['--file', file, '--runs-dir', runsDir]);
    let killed = false;
    await collect(child, (line) => {
      const event = parseEventLine(line);
      if (event?.type === 'checkpoint' && event.stage === 'student' && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    const [crashed] = listRuns(runsDir);
    assert.strictEqual(crashed.status, 'failed');
    assert.strictEqual(crashed.crashed, true);
    const resumed = await collect(startTs('src/runner/main.ts', ['--resume', crashed.dir, '--runs-dir', runsDir]));
    assert.strictEqual(resumed.code, 0, resumed.stderr);
    const done = readRun(crashed.dir);
    assert.strictEqual(done.status, 'done');
    assert.ok(done.summary?.models.teacher && done.summary.models.student);
  });

  it('exits 2 with file, line and JSON path for an invalid experiment, creating no run', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.kd.json');
    fs.writeFileSync(
      file,
      '{\n  "data": { "dataset": "synthetic", "shape": [4], "classes": 2, "trainSize": 10, "testSize": 5 },\n  "student": { "preset": "mlp", "hidden": [4] },\n  "distill": { "losses": [ { "type": "kd", "weight": 1, "temperature": -2 } ] }\n}\n',
    );
    const result = await collect(startTs('src/runner/main.ts', ['--file', file, '--runs-dir', path.join(dir, 'runs')]));
    assert.strictEqual(result.code, 2);
    assert.match(result.stderr, /bad\.kd\.json:4:\d+/);
    assert.match(result.stderr, /temperature/);
    assert.deepStrictEqual(listRuns(path.join(dir, 'runs')), []);
  });

  it('describes the models without training', async () => {
    const dir = tempDir();
    const file = writeSyntheticFile(dir);
    const result = await collect(startTs('src/runner/main.ts', ['--file', file, '--describe']));
    assert.strictEqual(result.code, 0, result.stderr);
    const event = parseEventLine(result.stdout.trim());
    assert.ok(event && event.type === 'models');
    assert.deepStrictEqual(Object.keys(event.models).sort(), ['student', 'teacher']);
    assert.ok(event.models.teacher.params > event.models.student.params);
  });
});
