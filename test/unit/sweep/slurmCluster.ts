// A real single-node SLURM cluster on 127.0.0.1 for tests: munged, slurmctld and slurmd from
// Debian's slurm-wlm and munge, with every file (config, key, state, spool, logs) in a temp folder
// and free ports, started as the current user (root in CI) and stopped by stop().
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface Cluster {
  dir: string;
  /** Environment for sbatch, squeue, scancel and kd: SLURM_CONF points at the temp config. */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const PROGRAMS = [
  '/usr/sbin/munged',
  '/usr/sbin/slurmctld',
  '/usr/sbin/slurmd',
  '/usr/bin/sbatch',
  '/usr/bin/squeue',
  '/usr/bin/scancel',
  '/usr/bin/sinfo',
];

export function slurmInstalled(): boolean {
  return PROGRAMS.every((p) => fs.existsSync(p));
}

/** Installs slurm-wlm and munge with apt when missing (as root); returns why not when it cannot. */
export function installSlurm(): string | undefined {
  if (slurmInstalled()) return undefined;
  if (process.getuid?.() !== 0)
    return 'slurm-wlm and munge are not installed and this user cannot apt-get install them';
  if (spawnSync('apt-get', ['--version']).status !== 0)
    return 'apt-get is not available to install slurm-wlm and munge';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { env, stdio: 'ignore', timeout: 300_000 });
  const install = spawnSync('apt-get', ['install', '-y', 'slurm-wlm', 'munge'], {
    env,
    stdio: 'ignore',
    timeout: 600_000,
  });
  if (update.status !== 0 || install.status !== 0 || !slurmInstalled())
    return 'apt-get could not install slurm-wlm and munge (no package source reachable?)';
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function pidIn(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number, logs: string[]): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const tails = logs.map(
    (l) => `${l}:\n${fs.existsSync(l) ? fs.readFileSync(l, 'utf8').split('\n').slice(-15).join('\n') : '(none)'}`,
  );
  throw new Error(`timed out waiting for ${what}\n${tails.join('\n')}`);
}

export async function startCluster(): Promise<Cluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-slurm-'));
  fs.chmodSync(dir, 0o755);
  for (const sub of ['state', 'spool', 'munge']) fs.mkdirSync(path.join(dir, sub), { mode: 0o700 });
  const user = os.userInfo().username;
  const host = os.hostname().split('.')[0];
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const socket = path.join(dir, 'munge', 'munge.socket');
  const key = path.join(dir, 'munge', 'munge.key');
  fs.writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, () => Math.floor(Math.random() * 256))), {
    mode: 0o400,
  });
  const cpus = os.cpus().length;
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(
    conf,
    [
      'ClusterName=kdtest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      `SlurmUser=${user}`,
      `SlurmdUser=${user}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${path.join(dir, 'state')}`,
      `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
      `SlurmctldPidFile=${path.join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${path.join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${path.join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${path.join(dir, 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'SchedulerType=sched/builtin',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MaxArraySize=1001',
      'SlurmctldTimeout=30',
      'SlurmdTimeout=30',
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN`,
      'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const mungePid = path.join(dir, 'munge', 'munged.pid');
  const logs = [path.join(dir, 'slurmctld.log'), path.join(dir, 'slurmd.log'), path.join(dir, 'munge', 'munged.log')];
  const stop = () => {
    for (const pidFile of [path.join(dir, 'slurmd.pid'), path.join(dir, 'slurmctld.pid'), mungePid]) {
      const pid = pidIn(pidFile);
      if (pid === undefined) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
  try {
    execFileSync(
      '/usr/sbin/munged',
      [
        `--socket=${socket}`,
        `--key-file=${key}`,
        `--pid-file=${mungePid}`,
        `--log-file=${path.join(dir, 'munge', 'munged.log')}`,
        `--seed-file=${path.join(dir, 'munge', 'munged.seed')}`,
        '--force',
      ],
      { env, stdio: 'pipe' },
    );
    execFileSync('/usr/sbin/slurmctld', ['-f', conf], { env, stdio: 'pipe' });
    execFileSync('/usr/sbin/slurmd', ['-f', conf], { env, stdio: 'pipe' });
    await waitFor(
      'the node to be idle',
      () => /idle/.test(spawnSync('sinfo', ['-h', '-o', '%T'], { env }).stdout?.toString() ?? ''),
      30_000,
      logs,
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { dir, env, stop };
}
