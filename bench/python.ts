// Runs the Python peer and limit scripts. Debian's python3-torch and numpy live in the system
// interpreter, which a user-level python3 (pyenv, venv) on PATH may hide: candidates are tried in
// order and the first that imports the needed module is used. Nothing is installed here.
import { spawnSync } from 'child_process';
import * as path from 'path';

export type Unavailable = { available: false; reason: string };

const CANDIDATES = [process.env.KD_BENCH_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter((c): c is string =>
  Boolean(c),
);

/** The first interpreter that can import `module`, or why none can. */
export function findPython(module: string): { python: string } | Unavailable {
  const tried: string[] = [];
  for (const python of CANDIDATES) {
    // Importing torch takes minutes on a loaded machine: a short timeout would call it missing.
    const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 300_000 });
    if (probe.error) {
      tried.push(`${python}: ${probe.error.message}`);
      continue;
    }
    if (probe.status === 0) return { python };
    tried.push(`${python}: cannot import ${module}`);
  }
  return { available: false, reason: `no Python with ${module} (${tried.join('; ')})` };
}

/** Runs bench/peer/<script> and parses the one JSON object it prints. */
export function runPeerScript<T>(
  root: string,
  script: string,
  module: string,
  args: string[],
  timeoutMs: number,
): (T & { python: string }) | Unavailable {
  const found = findPython(module);
  if (!('python' in found)) return found;
  const run = spawnSync(found.python, [path.join(root, 'bench', 'peer', script), ...args], {
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
    return { ...(JSON.parse(run.stdout) as T), python: found.python };
  } catch (error) {
    return { available: false, reason: `${script} printed no JSON: ${String(error)}` };
  }
}
