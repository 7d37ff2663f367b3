import { strict as assert } from 'assert';
import { classifyExit, RunnerExit, runnerArgs, type RunnerRequest } from '../../../src/protocol/runner';
import { runnerCommand, runRequest } from '../../../src/extension/runs/runnerCommand';
import { parseRunnerArgs } from '../../../src/runner/args';

describe('runner command', () => {
  const env = { PATH: '/bin' };
  const launcher = { runnerPath: '/ext/dist/runner.js', configuredNode: undefined, execPath: '/opt/code/code', env };

  it('runs a cell of a file with the editor runtime as Node', () => {
    const c = runnerCommand(runRequest({ file: '/ws/a.kd.json', cell: 'kd' }, '/ws/runs', 'wasm'), launcher);
    assert.equal(c.command, '/opt/code/code');
    assert.deepEqual(c.args, [
      '/ext/dist/runner.js',
      '--file',
      '/ws/a.kd.json',
      '--cell',
      'kd',
      '--runs-dir',
      '/ws/runs',
      '--backend',
      'wasm',
    ]);
    assert.equal(c.env.ELECTRON_RUN_AS_NODE, '1');
    assert.equal(c.env.PATH, '/bin');
    assert.equal((env as NodeJS.ProcessEnv).ELECTRON_RUN_AS_NODE, undefined, 'the host environment is not changed');
  });

  it('uses a configured Node as is and resumes a run folder', () => {
    const c = runnerCommand(runRequest({ resumeDir: '/ws/runs/a/1' }, '/ws/runs', 'auto'), {
      ...launcher,
      configuredNode: ' /usr/bin/node ',
    });
    assert.equal(c.command, '/usr/bin/node');
    assert.deepEqual(c.args, [
      '/ext/dist/runner.js',
      '--resume',
      '/ws/runs/a/1',
      '--runs-dir',
      '/ws/runs',
      '--backend',
      'auto',
    ]);
    assert.equal(c.env.ELECTRON_RUN_AS_NODE, undefined);
  });

  it('needs a file or a run to resume', () => {
    assert.throws(() => runRequest({}, '/r', 'cpu'), /experiment file or a run folder/);
  });

  it('builds flags the runner parses back into the same request', () => {
    const requests: RunnerRequest[] = [
      { kind: 'run', file: '/ws/a b.kd.json', cell: 'kd-T4', runsDir: '/ws/runs', backend: 'cpu' },
      { kind: 'run', file: '/ws/a.kd.json', runsDir: '/ws/runs' },
      { kind: 'resume', runDir: '/ws/runs/a/1', runsDir: '/ws/runs', backend: 'wasm' },
      { kind: 'describe', file: '/ws/a.kd.json', cell: 'teacher', runsDir: '/ws/runs' },
    ];
    for (const request of requests)
      assert.deepEqual(parseRunnerArgs(['node', 'runner.js', ...runnerArgs(request)]), request);
    assert.throws(() => parseRunnerArgs(['node', 'runner.js', '--file', 'a.kd.json', '--backend', 'gpu']), /gpu/);
  });

  it('maps exit codes and signals to outcomes', () => {
    assert.deepEqual(classifyExit(RunnerExit.Done, null), { kind: 'done' });
    assert.deepEqual(classifyExit(1, null), { kind: 'failed' });
    assert.deepEqual(classifyExit(2, null), { kind: 'invalid' });
    assert.deepEqual(classifyExit(130, null), { kind: 'stopped' });
    assert.deepEqual(classifyExit(null, 'SIGKILL'), { kind: 'crashed', reason: 'the runner was killed by SIGKILL' });
    assert.deepEqual(classifyExit(134, null), { kind: 'crashed', reason: 'the runner exited with code 134' });
  });

  it('runs one sweep point with --sweep-point and --sweep-id, and parses them back', () => {
    const request = runRequest(
      { file: '/ws/s.kd.json', cell: 'kd', sweep: { id: 'sweep-1', point: 3 } },
      '/ws/runs',
      'cpu',
    );
    const c = runnerCommand(request, launcher);
    assert.deepEqual(c.args.slice(-4), ['--sweep-point', '3', '--sweep-id', 'sweep-1']);
    assert.deepEqual(parseRunnerArgs(['node', 'runner.js', ...c.args.slice(1)]), request);
    assert.throws(
      () => parseRunnerArgs(['node', 'runner.js', '--file', 'a.kd.json', '--sweep-point', 'x', '--sweep-id', 's']),
      /--sweep-point takes a point index, got "x"/,
    );
    assert.throws(
      () => parseRunnerArgs(['node', 'runner.js', '--file', 'a.kd.json', '--sweep-point', '1']),
      /--sweep-point needs --sweep-id/,
    );
  });
});
