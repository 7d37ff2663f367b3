// The run lock: a live runner's folder cannot be resumed or deleted, a dead lock is recognised even
// when its pid now belongs to another process, and only a verified runner is ever signalled.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunEvent } from '../../../src/protocol/events';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import {
  acquireLock,
  isRunnerOf,
  LOCK_FILE,
  lockIsLive,
  processStartTime,
  releaseLock,
  RunBusyError,
  signalRunner,
} from '../../../src/engine/store/runLock';
import { deleteRun, listRuns, readRun } from '../../../src/engine/store/runStore';
import { syntheticExperiment, tempDir } from './fixtures';

function runStart(pid: number): RunEvent {
  return {
    type: 'run-start',
    time: new Date().toISOString(),
    runId: 'r',
    experiment: 'x',
    sourceFile: 'x.kd.json',
    backend: 'cpu',
    backendNotes: [],
    pid,
    resumed: false,
  };
}

/** A run folder as a runner leaves it mid-run: config, a run-start naming `pid`, no end. */
function runFolder(pid: number): string {
  const dir = path.join(tempDir(), 'x', '20260101-000000-abcd');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(syntheticExperiment()));
  fs.writeFileSync(path.join(dir, 'events.jsonl'), JSON.stringify(runStart(pid)) + '\n');
  return dir;
}

function writeLock(dir: string, pid: number, startTime: number | null): void {
  fs.writeFileSync(
    path.join(dir, LOCK_FILE),
    JSON.stringify({ pid, startTime, host: os.hostname(), since: new Date().toISOString() }),
  );
}

/** A process that is not a runner of anything (optionally holding `hold` open, and ignoring SIGTERM). */
function bystander(hold?: string, ignoreTerm = false): Promise<ChildProcess> {
  const script = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}${
    hold ? `require('fs').openSync(${JSON.stringify(hold)}, 'a');` : ''
  } console.log('ready'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout?.once('data', () => resolve(child)));
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return alive(child)
    ? new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)))
    : Promise.resolve(child.signalCode);
}

describe('run lock', function () {
  this.timeout(120000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (alive(child)) child.kill('SIGKILL');
  });

  it('records pid, start time and host; a second taker is refused while the holder lives', () => {
    const dir = tempDir();
    const lock = acquireLock(dir);
    assert.strictEqual(lock.pid, process.pid);
    assert.strictEqual(lock.startTime, processStartTime(process.pid));
    assert.strictEqual(lock.host, os.hostname());
    assert.throws(() => acquireLock(dir), RunBusyError);
    releaseLock(dir);
    assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)));
  });

  it('recognises a dead lock whose pid was reused by another process, and takes it over', () => {
    const dir = runFolder(process.pid);
    // This very pid is alive, but not the process that took the lock: its start time differs.
    writeLock(dir, process.pid, (processStartTime(process.pid) as number) - 1);
    assert.strictEqual(lockIsLive(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'))), false);
    const run = readRun(dir);
    assert.strictEqual(run.status, 'failed');
    assert.strictEqual(run.crashed, true);
    assert.strictEqual(acquireLock(dir).pid, process.pid);
  });

  it('a forged pid in the events makes no run "running", and a forged lock gets no process signalled', async () => {
    const victim = await bystander();
    children.push(victim);
    const dir = runFolder(victim.pid as number);
    assert.strictEqual(readRun(dir).status, 'failed', 'no lock: the runner is gone, whatever the events say');
    // A lock naming the bystander with its true start time: it holds no events file of this run.
    writeLock(dir, victim.pid as number, processStartTime(victim.pid as number) ?? null);
    assert.strictEqual(isRunnerOf(dir, victim.pid as number), false);
    assert.match(signalRunner(dir, 100), /not signalled/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(alive(victim), 'the unrelated process still runs');
  });

  it('stops a verified runner, escalating to SIGKILL when it ignores SIGTERM', async () => {
    const dir = runFolder(0);
    const runner = await bystander(path.join(dir, 'events.jsonl'), true);
    children.push(runner);
    writeLock(dir, runner.pid as number, processStartTime(runner.pid as number) ?? null);
    assert.strictEqual(isRunnerOf(dir, runner.pid as number), true);
    assert.match(signalRunner(dir, 300), /sent SIGTERM/);
    assert.strictEqual(await exited(runner), 'SIGKILL');
  });

  it('refuses to resume or delete a run whose runner lives; a crashed one can be deleted', async () => {
    const dir = runFolder(0);
    const runner = await bystander(path.join(dir, 'events.jsonl'));
    children.push(runner);
    writeLock(dir, runner.pid as number, processStartTime(runner.pid as number) ?? null);
    assert.strictEqual(readRun(dir).status, 'running');
    const before = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8');
    await assert.rejects(
      runExperiment(syntheticExperiment(), { runsDir: path.dirname(path.dirname(dir)), resumeDir: dir }),
      RunBusyError,
    );
    assert.strictEqual(fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8'), before, 'nothing was written');
    assert.throws(() => deleteRun(dir), RunBusyError);
    runner.kill('SIGKILL');
    await exited(runner);
    assert.strictEqual(readRun(dir).crashed, true);
    deleteRun(dir);
    assert.ok(!fs.existsSync(dir));
  });
});

describe('runs come into being complete', () => {
  it('a run folder whose creation was interrupted is never listed; one without events is crashed, not running', () => {
    const runsDir = tempDir();
    const hidden = path.join(runsDir, 'x', '.new-20260101-000000-aaaa');
    fs.mkdirSync(hidden, { recursive: true });
    fs.writeFileSync(path.join(hidden, 'config.json'), '{}');
    assert.deepStrictEqual(listRuns(runsDir), []);
    const legacy = path.join(runsDir, 'x', '20260101-000000-bbbb');
    fs.mkdirSync(legacy);
    fs.writeFileSync(path.join(legacy, 'config.json'), '{}');
    const [run] = listRuns(runsDir);
    assert.strictEqual(run.status, 'failed');
    assert.strictEqual(run.crashed, true);
  });

  it('a new run folder appears with its config, its run-start and its lock', async () => {
    const runsDir = tempDir();
    const seen: string[][] = [];
    const result = await runExperiment(
      syntheticExperiment({
        baseline: false,
        teacher: undefined,
        distill: { scheme: 'offline', cacheTeacher: true, losses: [{ type: 'ce', weight: 1 }] },
      }),
      {
        runsDir,
        onEvent: (e) => {
          if (e.type === 'run-start') {
            const dir = listRuns(runsDir)[0].dir;
            seen.push(fs.readdirSync(dir).sort());
            assert.strictEqual(readRun(dir).status, 'running');
          }
        },
      },
    );
    assert.deepStrictEqual(seen, [['checkpoints', 'config.json', 'events.jsonl', LOCK_FILE, 'run.log']]);
    assert.ok(!fs.existsSync(path.join(result.runDir, LOCK_FILE)), 'the lock is released at the end');
  });
});
