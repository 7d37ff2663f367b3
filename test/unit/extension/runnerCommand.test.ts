import { strict as assert } from 'assert';
import { classifyExit, runnerCommand } from '../../../src/extension/runs/runnerCommand';

describe('runner command', () => {
  const env = { PATH: '/bin' };

  it('runs a cell of a file with the editor runtime as Node', () => {
    const c = runnerCommand(
      { file: '/ws/a.kd.json', cell: 'kd', runsDir: '/ws/runs', backend: 'wasm' },
      '/ext/dist/runner.js',
      undefined,
      '/opt/code/code',
      env,
    );
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
    const c = runnerCommand(
      { resumeDir: '/ws/runs/a/1', runsDir: '/ws/runs', backend: 'auto' },
      '/ext/dist/runner.js',
      ' /usr/bin/node ',
      '/opt/code/code',
      env,
    );
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
    assert.throws(
      () => runnerCommand({ runsDir: '/r', backend: 'cpu' }, 'r.js', undefined, 'node', env),
      /experiment file or a run folder/,
    );
  });

  it('maps exit codes and signals to outcomes', () => {
    assert.deepEqual(classifyExit(0, null), { kind: 'done' });
    assert.deepEqual(classifyExit(1, null), { kind: 'failed' });
    assert.deepEqual(classifyExit(2, null), { kind: 'invalid' });
    assert.deepEqual(classifyExit(130, null), { kind: 'stopped' });
    assert.deepEqual(classifyExit(null, 'SIGKILL'), { kind: 'crashed', reason: 'the runner was killed by SIGKILL' });
    assert.deepEqual(classifyExit(134, null), { kind: 'crashed', reason: 'the runner exited with code 134' });
  });
});
