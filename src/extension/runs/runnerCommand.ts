// How the host starts the runner process. Training never happens in the extension host: it runs
// in `node dist/runner.js`, with the editor's own executable as Node when no Node path is set.
// The flags themselves are the runner contract's (src/protocol/runner.ts).
import { runnerArgs, type BackendName, type RunnerRequest } from '../../protocol/runner';

export interface RunnerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** Where the runner is and which Node runs it (the setting, else the editor's own runtime). */
export interface RunnerLauncher {
  runnerPath: string;
  configuredNode: string | undefined;
  execPath: string;
  env: NodeJS.ProcessEnv;
}

/** A queued job as a runner request: a new run of a file (or cell), or the resume of a run folder. */
export function runRequest(
  job: { file?: string; cell?: string; resumeDir?: string; sweep?: { id: string; point: number } },
  runsDir: string,
  backend: BackendName,
): RunnerRequest {
  if (job.sweep) {
    if (!job.file) throw new Error('a sweep point needs its experiment file');
    const cell = job.cell !== undefined ? { cell: job.cell } : {};
    return { kind: 'sweepPoint', file: job.file, ...cell, runsDir, backend, sweepId: job.sweep.id, point: job.sweep.point };
  }
  if (job.resumeDir) return { kind: 'resume', runDir: job.resumeDir, runsDir, backend };
  if (!job.file) throw new Error('a run needs an experiment file or a run folder to resume');
  return { kind: 'run', file: job.file, ...(job.cell !== undefined ? { cell: job.cell } : {}), runsDir, backend };
}

/**
 * The command line of one runner. With no configured Node, the editor's executable runs the
 * script: in desktop VS Code that is Electron, which behaves as Node with ELECTRON_RUN_AS_NODE=1;
 * in code-server it is Node already and ignores the variable.
 */
export function runnerCommand(request: RunnerRequest, launcher: RunnerLauncher): RunnerCommand {
  return {
    ...nodeExecutable(launcher.configuredNode, launcher.execPath, launcher.env),
    args: [launcher.runnerPath, ...runnerArgs(request)],
  };
}

/** The Node to run scripts with, and its environment. */
function nodeExecutable(
  configuredNode: string | undefined,
  execPath: string,
  env: NodeJS.ProcessEnv,
): { command: string; env: NodeJS.ProcessEnv } {
  const node = configuredNode?.trim();
  if (node) return { command: node, env: { ...env } };
  return { command: execPath, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } };
}
