// Shared by the in-host suites: the extension's API, the fixture workspace, and waiting for runs.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DistillationStudioApi, TestingHooks } from '../../../src/extension/api';
import type { RunEventMessage } from '../../../src/extension/panelDeps';
import type { RunJob } from '../../../src/extension/runs/runManager';
import type { RunEvent } from '../../../src/protocol/events';

export const EXTENSION_ID = 'distillation-studio.distillation-studio';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the fixture workspace open');
  return folder.uri.fsPath;
}

export function fixture(name: string): string {
  return path.join(workspaceDir(), name);
}

/** The extension's parts, which it hands out in test mode only. */
export async function api(): Promise<TestingHooks> {
  const extension = vscode.extensions.getExtension<DistillationStudioApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  const exported = extension.isActive ? extension.exports : await extension.activate();
  if (!exported.testing) throw new Error(`${EXTENSION_ID} runs outside test mode: no testing hooks`);
  return exported.testing;
}

/**
 * Resolves with the first event of this job's run of the given type. Call it right after the job
 * was queued: its events arrive asynchronously from the runner's output.
 */
export function eventOf<T extends RunEvent['type']>(
  studio: TestingHooks,
  job: RunJob,
  type: T,
): Promise<{ runDir: string; event: Extract<RunEvent, { type: T }> }> {
  return new Promise((resolve) => {
    const listener = studio.manager.onRunEvent((message: RunEventMessage) => {
      if (message.runDir === job.runDir && message.event.type === type) {
        listener.dispose();
        resolve(message as { runDir: string; event: Extract<RunEvent, { type: T }> });
      }
    });
  });
}

/** Stops whatever a failed test left going, so the next test starts from a quiet host. */
export async function settle(studio: TestingHooks): Promise<void> {
  const jobs = studio.manager.active();
  for (const job of jobs) studio.manager.stop(job.id);
  await Promise.all(jobs.map((j) => j.finished));
}

/**
 * Polls until `probe` returns a value other than undefined; after `timeoutMs` it fails naming what
 * it waited for, rather than leaving the suite's timeout to say only that something took too long.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function runDirsOf(experiment: string): string[] {
  const dir = path.join(workspaceDir(), 'runs', experiment);
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((id) => path.join(dir, id)) : [];
}

export async function lensTitles(
  file: string,
): Promise<{ line: number; title: string; command: string; args: unknown[] }[]> {
  // The workbench computes lenses of documents it has loaded.
  const document = await vscode.workspace.openTextDocument(file);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider',
    document.uri,
    100,
  );
  return lenses
    .filter((l) => l.command)
    .map((l) => ({
      line: l.range.start.line,
      title: l.command?.title ?? '',
      command: l.command?.command ?? '',
      args: l.command?.arguments ?? [],
    }))
    .sort((a, b) => a.line - b.line);
}
