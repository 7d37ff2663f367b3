// Assembles the comparison's view model from the runs read on the host: the config keys that
// differ (and those a sweep varied), each run with only those keys, and the groups of runs that
// differ only by seed with their statistics from the engine (src/engine/sweep/stats.ts).
import * as path from 'path';
import type { CompareGroupView, CompareViewModel } from '../../protocol/webview';
import { compareRuns } from '../../engine/sweep/stats';
import { pickKeys, splitKeys } from '../../shared/compare/config';
import type { HostRun } from './runRow';

/** Keys that never set runs apart in a useful way. */
const SEED_KEY = 'seed';

export function compareTitle(runs: readonly HostRun[]): string {
  const sweeps = [...new Set(runs.flatMap((r) => (r.sweep ? [r.sweep.id] : [])))];
  const experiments = [...new Set(runs.map((r) => path.basename(path.dirname(r.view.runDir))))];
  if (sweeps.length === 1 && experiments.length === 1 && runs.every((r) => r.sweep))
    return `Sweep ${sweeps[0]} of ${experiments[0]}`;
  return experiments.length === 1 ? `Runs of ${experiments[0]}` : 'Run comparison';
}

export function configKeysOf(runs: readonly HostRun[]): CompareViewModel['configKeys'] {
  const swept: string[] = [];
  for (const run of runs)
    for (const key of Object.keys(run.sweep?.params ?? {})) if (!swept.includes(key)) swept.push(key);
  const { differing, equal } = splitKeys(runs.map((r) => r.config));
  for (const key of swept) delete equal[key];
  return { differing: differing.filter((k) => !swept.includes(k)), swept, equal };
}

/** The whole view model for these runs. */
export function buildCompareView(runs: readonly HostRun[]): CompareViewModel {
  const configKeys = configKeysOf(runs);
  const shown = [...configKeys.swept, ...configKeys.differing];
  const groupKeys = shown.filter((k) => k !== SEED_KEY);
  const byDir = new Map(runs.map((r) => [r.view.runDir, r]));
  const groups: CompareGroupView[] = compareRuns(runs.map((r) => r.record)).groups.flatMap((g) => {
    const first = g.runDirs[0] === undefined ? undefined : byDir.get(g.runDirs[0]);
    if (!first) return [];
    const config = pickKeys(first.config, groupKeys);
    return [
      {
        key: `${first.sweep?.id ?? ''}${JSON.stringify(config)}`,
        config,
        runDirs: g.runDirs,
        seeds: g.seeds,
        metrics: g.metrics,
      },
    ];
  });
  return {
    title: compareTitle(runs),
    runs: runs.map((r) => ({ ...r.view, config: pickKeys(r.config, shown) })),
    groups,
    configKeys,
  };
}
