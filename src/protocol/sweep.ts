// The sweep part of the run-store contract: what a run of a sweep records about itself (in its
// config.json and summary.json), the sweep's own record (sweep.json), and the grouped statistics
// that the CLI, the Runs tree and the comparison view render. Plain data, no Node or DOM imports.

/** What a run that belongs to a sweep records in `config.json` and `summary.json` under `sweep`. */
export interface SweepRunInfo {
  /** The sweep's id (its folder name under runs/<experiment>/sweeps/). */
  id: string;
  /** 0-based index of this run in the sweep's expansion (point × seed), the SLURM array task id. */
  point: number;
  /** The swept values of this run, keyed by the sweep path (`distill.losses[1].temperature`); the seed excluded. */
  params: Record<string, unknown>;
  /** The experiment seed of this run. */
  seed: number;
  /** What this run shares with the other runs of its sweep; absent when the sweep says `"shareTeachers": false`. */
  shared?: SweepSharing;
}

/**
 * The sweep's shared folder (`runs/<experiment>/sweeps/<id>/shared`): teachers trained once per
 * distinct (teacher config, training budget, data, seed, backend) and the cached outputs of frozen
 * teachers, reused by every run that needs them.
 */
export interface SweepSharing {
  /** The shared folder, relative to the runs directory. */
  dir: string;
  /** The teachers this run trains on labels, by stage name (`teacher`, `teacher-1`, …). */
  teachers: Record<string, SweepTeacherInfo>;
}

export interface SweepTeacherInfo {
  /** The teacher's identity: a hash of its resolved config, training budget, data, seed and backend. */
  key: string;
  /** In summary.json: the run (id) that trained this teacher; this run's own id when it trained it. */
  trainedBy?: string;
}

/** One run of a sweep as planned: which point, which seed, where its folder goes. */
export interface SweepPointRecord {
  /** Index in the expansion, the same as `SweepRunInfo.point`. */
  index: number;
  /** Index of the hyper-parameter setting (runs that differ only by seed share it). */
  setting: number;
  params: Record<string, unknown>;
  seed: number;
  /** Run folder, relative to the runs directory, e.g. `mnist-kd/sweep-abc-p003`. */
  runDir: string;
}

/** `runs/<experiment>/sweeps/<sweep-id>/sweep.json`: the plan; the status of each point comes from its run folder. */
export interface SweepRecord {
  version: 1;
  id: string;
  experiment: string;
  cell?: string;
  /** The experiment file, absolute. */
  sourceFile: string;
  /** The runs directory, absolute (the run folders are relative to it). */
  runsDir: string;
  createdAt: string;
  executor: 'local' | 'slurm';
  concurrency: number;
  /** The swept paths, in order. */
  paths: string[];
  points: SweepPointRecord[];
  slurm?: SweepSlurmInfo;
}

export interface SweepSlurmInfo {
  /** Every job id submitted for this sweep (a resume submits another array). */
  jobIds: string[];
  /** The job script, relative to the sweep folder. */
  script: string;
  /** Extra sbatch arguments given with --slurm-arg. */
  args: string[];
  /** Set by `kd sweep cancel`: points that never wrote a run folder are then stopped, not queued. */
  cancelledAt?: string;
}

/** Where a point of a sweep stands, from its run folder (and, for SLURM, the scheduler). */
export type SweepPointStatus = 'queued' | 'running' | 'done' | 'failed' | 'stopped';

export interface SweepProgress {
  total: number;
  done: number;
  running: number;
  queued: number;
  failed: number;
  stopped: number;
}

/** Summary statistics of one metric over the runs of a group. */
export interface MetricStats {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 when n = 1. */
  std: number;
  min: number;
  max: number;
  /** 95% confidence interval of the mean by Student's t with n − 1 degrees of freedom; absent when n < 2. */
  ci95?: [number, number];
  /** Whether ci95 excludes 0 (for the KD gain: distillation helped or hurt beyond seed noise). */
  excludesZero?: boolean;
}

/** Runs that differ only by seed, with statistics of every metric of their summaries. */
export interface RunGroup {
  /** The values that set this group apart: the swept values, or the config paths that differ between groups. */
  params: Record<string, unknown>;
  n: number;
  runDirs: string[];
  seeds: number[];
  metrics: Record<string, MetricStats>;
}

/** One run with its flat metrics (accuracies as fractions in [0, 1]). */
export interface RunRow {
  runDir: string;
  runId: string;
  experiment: string;
  status: string;
  seed?: number;
  sweep?: SweepRunInfo;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
}

/** What `kd compare --format json` prints and what the comparison view receives for runs and sweeps. */
export interface Comparison {
  runs: RunRow[];
  groups: RunGroup[];
}
