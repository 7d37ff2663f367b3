// Hands a sweep to SLURM instead of scheduling it ourselves: one job array whose task i runs
// `kd run FILE --sweep-point i` into the runs directory (on a filesystem the nodes share). The run
// store is how results come back; squeue/sacct only say what has not written its run folder yet.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { SweepPointStatus, SweepRecord } from '../../protocol/sweep';

export const SLURM_SCRIPT = 'job.sh';

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `0-7%2`, or `1,3,6%2` for a resubmission of some points. */
export function arraySpec(indices: readonly number[], concurrency: number): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const contiguous = sorted.every((v, i) => i === 0 || v === sorted[i - 1] + 1);
  const list = contiguous && sorted.length > 1 ? `${sorted[0]}-${sorted[sorted.length - 1]}` : sorted.join(',');
  return concurrency > 0 ? `${list}%${concurrency}` : list;
}

/**
 * The job script of a sweep. `kd` is the command that runs the CLI on the nodes (by default this very
 * Node and script, which a shared filesystem makes valid there). Threads follow --cpus-per-task.
 */
export function jobScript(record: SweepRecord, kd: readonly string[], sweepDir: string): string {
  const command = [
    ...kd,
    'run',
    record.sourceFile,
    ...(record.cell !== undefined ? ['--cell', record.cell] : []),
    '--sweep-point',
    '"$SLURM_ARRAY_TASK_ID"',
    '--sweep-id',
    record.id,
    '--runs-dir',
    record.runsDir,
    '--json',
  ];
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=kd-${record.id}`,
    `#SBATCH --output=${path.join(sweepDir, 'slurm-%A_%a.out')}`,
    '# One array task per sweep point; the run folder of point i is written by task i.',
    'set -eu',
    `cd ${quote(path.dirname(record.sourceFile))}`,
    'export KD_WASM_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${command.map((a) => (a.startsWith('"$') ? a : quote(a))).join(' ')}`,
    '',
  ].join('\n');
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a SLURM command; a missing command is a clear error, not ENOENT. */
export function slurmCommand(command: string, args: readonly string[], env = process.env): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error(`${command} not found: the SLURM client commands must be on PATH for --executor slurm`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Writes the script and submits the array; returns the job id. */
export async function submitArray(
  record: SweepRecord,
  sweepDir: string,
  indices: readonly number[],
  options: { kd: readonly string[]; args: readonly string[]; concurrency: number },
): Promise<string> {
  const script = path.join(sweepDir, SLURM_SCRIPT);
  fs.writeFileSync(script, jobScript(record, options.kd, sweepDir), { mode: 0o755 });
  const result = await slurmCommand('sbatch', [
    '--parsable',
    `--array=${arraySpec(indices, options.concurrency)}`,
    ...options.args,
    script,
  ]);
  if (result.code !== 0)
    throw new Error(`sbatch failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  const jobId = result.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: ${result.stdout.trim()}`);
  return jobId;
}

/** The scheduler's state of each array task, by point index (the latest job wins). */
export async function schedulerStates(jobIds: readonly string[]): Promise<Map<number, string>> {
  const states = new Map<number, string>();
  if (jobIds.length === 0) return states;
  const record = (line: string, separator: RegExp) => {
    const [id, state] = line.trim().split(separator);
    const match = /^(\d+)_(\d+)$/.exec(id ?? '');
    if (match && state) states.set(Number(match[2]), state.split(' ')[0]);
    // A pending array shows as 12_[3-7%2] in sacct: expand the range.
    const range = /^(\d+)_\[(.+?)(?:%\d+)?\]$/.exec(id ?? '');
    if (range && state)
      for (const part of range[2].split(',')) {
        const [a, b] = part.split('-').map(Number);
        for (let i = a; i <= (b ?? a); i++) states.set(i, state.split(' ')[0]);
      }
  };
  const sacct = await slurmCommand('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State']).catch(
    () => undefined,
  );
  for (const line of sacct?.code === 0 ? sacct.stdout.split('\n') : []) record(line, /\|/);
  const squeue = await slurmCommand('squeue', ['-h', '-r', '-j', jobIds.join(','), '-o', '%i %T']).catch(
    () => undefined,
  );
  for (const line of squeue?.code === 0 ? squeue.stdout.split('\n') : []) record(line, /\s+/);
  return states;
}

/** A point's status from its run folder, or, before the folder says anything final, from the scheduler. */
export function mergeStatus(
  fromRun: SweepPointStatus | undefined,
  scheduler: string | undefined,
  cancelled = false,
): SweepPointStatus {
  if (fromRun === 'done' || fromRun === 'stopped') return fromRun;
  if (fromRun === 'failed' && scheduler !== 'RUNNING') return 'failed';
  if (scheduler === 'RUNNING' || scheduler === 'COMPLETING') return 'running';
  if (scheduler === 'PENDING' || scheduler === 'REQUEUED' || scheduler === 'CONFIGURING') return 'queued';
  if (scheduler === 'CANCELLED') return 'stopped';
  if (scheduler && scheduler !== 'COMPLETED') return 'failed';
  // Gone from the queue without a word from its run: cancelled before it started, or still to start.
  if (cancelled && (fromRun === undefined || fromRun === 'running' || fromRun === 'queued')) return 'stopped';
  return fromRun ?? 'queued';
}

export async function cancelJobs(jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  const result = await slurmCommand('scancel', [...jobIds]);
  if (result.code !== 0) throw new Error(`scancel failed (exit ${result.code}): ${result.stderr.trim()}`);
}
