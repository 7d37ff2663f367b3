// How the host starts the runner process. Training never happens in the extension host: it runs
// in `node dist/runner.js`, with the editor's own executable as Node when no Node path is set.
import type { BackendName } from '../../engine/config/types';

export interface RunnerRequest {
  /** Absolute path of the .kd.json file (absent when resuming). */
  file?: string;
  cell?: string;
  /** Continue this run folder from its last checkpoint. */
  resumeDir?: string;
  runsDir: string;
  backend: BackendName;
}

export interface RunnerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * The command line of one runner. With no configured Node, the editor's executable runs the
 * script: in desktop VS Code that is Electron, which behaves as Node with ELECTRON_RUN_AS_NODE=1;
 * in code-server it is Node already and ignores the variable.
 */
export function runnerCommand(request: RunnerRequest, runnerPath: string, configuredNode: string | undefined, execPath: string, env: NodeJS.ProcessEnv): RunnerCommand {
  const args = [runnerPath];
  if (request.resumeDir) {
    args.push('--resume', request.resumeDir);
  } else {
    if (!request.file) throw new Error('a run needs an experiment file or a run folder to resume');
    args.push('--file', request.file);
    if (request.cell !== undefined) args.push('--cell', request.cell);
  }
  args.push('--runs-dir', request.runsDir, '--backend', request.backend);
  return { ...nodeExecutable(configuredNode, execPath, env), args };
}

/** The Node to run scripts with, and its environment. */
export function nodeExecutable(configuredNode: string | undefined, execPath: string, env: NodeJS.ProcessEnv): { command: string; env: NodeJS.ProcessEnv } {
  const node = configuredNode?.trim();
  if (node) return { command: node, env: { ...env } };
  return { command: execPath, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } };
}

/** Runner exit codes (see src/engine/run/exitCodes.ts), and what they mean to the host. */
export type RunnerEnd =
  | { kind: 'done' }
  | { kind: 'failed' }
  | { kind: 'invalid' }
  | { kind: 'stopped' }
  | { kind: 'crashed'; reason: string };

export function classifyExit(code: number | null, signal: NodeJS.Signals | null): RunnerEnd {
  if (code === 0) return { kind: 'done' };
  if (code === 1) return { kind: 'failed' };
  if (code === 2) return { kind: 'invalid' };
  if (code === 130) return { kind: 'stopped' };
  if (signal) return { kind: 'crashed', reason: `the runner was killed by ${signal}` };
  return { kind: 'crashed', reason: `the runner exited with code ${code ?? 'unknown'}` };
}
