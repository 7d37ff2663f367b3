// Runs the Python peer and limit scripts with the strongest Python stack the machine has. Several
// interpreters may each hold a different torch or numpy (Debian's python3-torch 1.13 with its
// OpenBLAS in /usr/bin/python3, a current CPU wheel with MKL and oneDNN in a pyenv or venv python3),
// and on one machine they differ several-fold: a comparison against the weakest would flatter us.
// So every candidate is probed; the peer runs on the newest torch, the limit is the fastest numpy.
// Nothing is installed here.
import { spawnSync } from 'child_process';
import * as path from 'path';

export type Unavailable = { available: false; reason: string };

/** An interpreter that imports the module, with the module's version. */
export interface PythonCandidate {
  python: string;
  /** sys.executable with links resolved: two names for one interpreter count once. */
  executable: string;
  version: string;
}

export function candidatePythons(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.KD_BENCH_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter((c): c is string => Boolean(c));
}

/** Every distinct interpreter that imports `module`, and why the others do not. */
export function probePythons(
  module: string,
  candidates = candidatePythons(),
): {
  found: PythonCandidate[];
  tried: string[];
} {
  const found: PythonCandidate[] = [];
  const tried: string[] = [];
  for (const python of candidates) {
    // Importing torch took over a minute on a machine at load average 40: the probe waits up to five.
    const probe = spawnSync(
      python,
      ['-c', `import os, sys, ${module}; print(os.path.realpath(sys.executable)); print(${module}.__version__)`],
      {
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    if (probe.error) {
      tried.push(`${python}: ${probe.error.message}`);
      continue;
    }
    if (probe.status !== 0) {
      tried.push(`${python}: cannot import ${module}`);
      continue;
    }
    const [executable, version] = probe.stdout.trim().split('\n');
    if (found.some((f) => f.executable === executable)) continue;
    found.push({ python, executable, version });
    tried.push(`${python}: ${module} ${version}`);
  }
  return { found, tried };
}

/** Numeric parts of a version ("2.13.0+cpu" → [2, 13, 0]). */
function versionParts(version: string): number[] {
  return (version.match(/^[0-9.]+/)?.[0] ?? '0')
    .split('.')
    .filter((p) => p !== '')
    .map(Number);
}

/** Orders versions newest first. */
export function compareVersionsDescending(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pb[i] ?? 0) - (pa[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The interpreter with the newest `module` (the peer: a PyTorch 2.x CPU build beats Debian's 1.13), or why none. */
export function newestPython(module: string): (PythonCandidate & { tried: string[] }) | Unavailable {
  const { found, tried } = probePythons(module);
  if (found.length === 0) return { available: false, reason: `no Python with ${module} (${tried.join('; ')})` };
  const best = [...found].sort((a, b) => compareVersionsDescending(a.version, b.version))[0];
  return { ...best, tried };
}

/** Runs bench/peer/<script> with one interpreter and parses the one JSON object it prints. */
export function runScript<T>(
  root: string,
  python: string,
  script: string,
  args: string[],
  timeoutMs: number,
): (T & { python: string }) | Unavailable {
  const run = spawnSync(python, [path.join(root, 'bench', 'peer', script), ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.error) return { available: false, reason: `${script}: ${run.error.message}` };
  if (run.status !== 0)
    return {
      available: false,
      reason: `${script} exited with ${run.status}: ${run.stderr.trim().split('\n').slice(-1)[0] ?? ''}`,
    };
  try {
    return { ...(JSON.parse(run.stdout) as T), python };
  } catch (error) {
    return { available: false, reason: `${script} printed no JSON: ${String(error)}` };
  }
}

/** Runs the script with the interpreter holding the newest `module`; records which ones were considered. */
export function runPeerScript<T>(
  root: string,
  script: string,
  module: string,
  args: string[],
  timeoutMs: number,
): (T & { python: string; considered: string[] }) | Unavailable {
  const chosen = newestPython(module);
  if (!('python' in chosen)) return chosen;
  const result = runScript<T>(root, chosen.python, script, args, timeoutMs);
  return 'reason' in result ? (result as Unavailable) : { ...result, considered: chosen.tried };
}

/**
 * Runs the script with every interpreter that has `module` and keeps the result with the highest
 * `score` (the limit: the fastest numpy GEMM found). The others are listed with their scores.
 */
export function runFastestScript<T extends { available: true }>(
  root: string,
  script: string,
  module: string,
  args: string[],
  timeoutMs: number,
  score: (result: T) => number,
): (T & { python: string; others: { python: string; version: string; score: number | string }[] }) | Unavailable {
  const { found, tried } = probePythons(module);
  if (found.length === 0) return { available: false, reason: `no Python with ${module} (${tried.join('; ')})` };
  const results = found.map((c) => ({ candidate: c, result: runScript<T>(root, c.python, script, args, timeoutMs) }));
  const ran = results.filter((r) => r.result.available !== false) as {
    candidate: PythonCandidate;
    result: T & { python: string };
  }[];
  if (ran.length === 0) {
    const why = results.map((r) => `${r.candidate.python}: ${(r.result as Unavailable).reason}`);
    return { available: false, reason: why.join('; ') };
  }
  ran.sort((a, b) => score(b.result) - score(a.result));
  const others = results
    .filter((r) => r !== ran[0])
    .map((r) => ({
      python: r.candidate.python,
      version: r.candidate.version,
      score: r.result.available === false ? r.result.reason : score(r.result as T),
    }));
  return { ...ran[0].result, others };
}
