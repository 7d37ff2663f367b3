// Asks the runner for an experiment's architecture before any run exists:
// `node runner.js --file F [--cell C] --describe` prints one models event on stdout.
import { spawn } from 'child_process';
import { parseEventLine, type ModelsEvent } from '../../protocol/events';
import type { PanelDeps } from '../panelDeps';

export const DESCRIBE_TIMEOUT_MS = 120_000;

export interface DescribeCall {
  result: Promise<ModelsEvent>;
  cancel(): void;
}

export function describeExperiment(
  deps: Pick<PanelDeps, 'runnerPath' | 'runsDir' | 'nodePath' | 'runnerEnv'>,
  file: string,
  cell: string | undefined,
  timeoutMs = DESCRIBE_TIMEOUT_MS,
): DescribeCall {
  const args = [deps.runnerPath, '--file', file, '--runs-dir', deps.runsDir(), '--describe'];
  if (cell !== undefined) args.push('--cell', cell);
  const child = spawn(deps.nodePath(), args, {
    env: { ...deps.runnerEnv(), ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let cancelled = false;
  const result = new Promise<ModelsEvent>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      // SIGKILL: a child busy building a huge layer never reaches a point where it could honour SIGTERM.
      child.kill('SIGKILL');
      reject(new Error(`describing the experiment took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (cancelled) return reject(new Error('cancelled'));
      const event = stdout
        .split('\n')
        .map(parseEventLine)
        .find((e): e is ModelsEvent => e?.type === 'models');
      if (event) return resolve(event);
      const message = stderr
        .trim()
        .split('\n')
        .filter((l) => l.trim())
        .pop();
      reject(
        new Error(message ?? `the runner exited with code ${code ?? 'unknown'} without describing the experiment`),
      );
    });
  });
  return {
    result,
    cancel: () => {
      cancelled = true;
      child.kill('SIGKILL');
    },
  };
}
