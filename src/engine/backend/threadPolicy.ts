// How many threads the wasm backend's pool gets. Two threads beat one only while both cores are
// free: when other work keeps a core busy, a two-thread pool waits for its slower half and loses
// to one thread (docs/performance.md, Threads). So the count follows the cores the machine leaves
// idle (the 1-minute load average) and the runners started together (a sweep runs several, each
// told how many through KD_CONCURRENT_RUNNERS); an explicit KD_WASM_THREADS always wins.
import * as os from 'os';

export const THREADS_VARIABLE = 'KD_WASM_THREADS';
export const RUNNERS_VARIABLE = 'KD_CONCURRENT_RUNNERS';

export interface ThreadPolicyInput {
  env: NodeJS.ProcessEnv;
  /** Cores this process may use (os.availableParallelism()). */
  cores: number;
  /** The 1-minute load average (os.loadavg()[0]): runnable processes, this sweep's other runners included. */
  load: number;
}

export interface ThreadDecision {
  threads: number;
  /** One line for the run's first event and logs: where the number came from. */
  reason: string;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * KD_WASM_THREADS when set; otherwise the runner's share of the cores (cores / KD_CONCURRENT_RUNNERS),
 * reduced to the idle cores per runner, where idle = cores − the load this sweep's other runners do
 * not explain (each is assumed to keep its share busy). Never below 1.
 */
export function chooseWasmThreads(input: ThreadPolicyInput): ThreadDecision {
  const explicit = positiveInteger(input.env, THREADS_VARIABLE);
  if (explicit !== undefined) return { threads: explicit, reason: `${THREADS_VARIABLE}=${explicit}` };
  const cores = Math.max(1, Math.floor(input.cores));
  const runners = positiveInteger(input.env, RUNNERS_VARIABLE) ?? 1;
  const share = Math.max(1, Math.floor(cores / runners));
  const load = Number.isFinite(input.load) && input.load > 0 ? input.load : 0;
  const otherLoad = Math.max(0, load - (runners - 1) * share);
  const idlePerRunner = Math.max(0, cores - otherLoad) / runners;
  const threads = Math.max(1, Math.min(share, Math.round(idlePerRunner)));
  const together = runners > 1 ? `, ${runners} runners together` : '';
  return {
    threads,
    reason: `${cores} cores, load ${round2(load)}${together}: ${threads} thread${threads === 1 ? '' : 's'} (${THREADS_VARIABLE} overrides)`,
  };
}

/** The decision for this process, from its environment, cores and the machine's load now. */
export function wasmThreadDecision(env: NodeJS.ProcessEnv = process.env): ThreadDecision {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return chooseWasmThreads({ env, cores, load: os.loadavg()[0] });
}
