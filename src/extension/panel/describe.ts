// Asks the runner for an experiment's architecture before any run exists: a `describe` request
// (src/protocol/runner.ts) prints one models event on stdout.
import { spawn } from 'child_process';
import { parseEventLine, type ModelsEvent } from '../../protocol/events';
import type { PanelDeps } from '../panelDeps';

const DESCRIBE_TIMEOUT_MS = 120_000;

export interface DescribeCall {
  result: Promise<ModelsEvent>;
  cancel(): void;
}

export function describeExperiment(deps: PanelDeps, file: string, cell: string | undefined): DescribeCall {
  const command = deps.runnerCommand({
    kind: 'describe',
    file,
    ...(cell !== undefined ? { cell } : {}),
    runsDir: deps.runsDir(),
  });
  const child = spawn(command.command, command.args, {
    env: command.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let cancelled = false;
  const result = new Promise<ModelsEvent>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`describing the experiment took longer than ${DESCRIBE_TIMEOUT_MS / 1000} s`));
    }, DESCRIBE_TIMEOUT_MS);
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
      child.kill();
    },
  };
}
