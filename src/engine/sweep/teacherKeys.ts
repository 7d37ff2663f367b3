// Which teachers a run trains on labels, and the identity of each: a hash of everything that decides
// the trained weights (the teacher's resolved config and stage name, which seeds its initial
// weights; its training budget; the data; the seed; the backend). Points of a sweep whose teachers
// have one identity share one trained teacher: a temperature sweep over 3 seeds trains 3, not 3 × T.
import { createHash } from 'crypto';
import type { SweepTeacherInfo } from '../../protocol/sweep';
import type { BackendName, Experiment, ModelSpec } from '../config/types';
import { modelBudget } from '../run/budget';
/** The stage name of the k-th (1-based) teacher of a multi-teacher run. */
export function teacherStage(k: number): string {
  return `teacher-${k}`;
}

/** The teachers `experiment` trains on labels (not loaded, not reused from a cell), by stage name. */
export function trainedTeachers(experiment: Experiment): { stage: string; spec: ModelSpec }[] {
  const trained = (spec: ModelSpec) => !('load' in spec) && !('fromCell' in spec);
  const { scheme } = experiment.distill;
  if (scheme === 'multiTeacher')
    return (experiment.distill.teachers ?? [])
      .map((spec, i) => ({ stage: teacherStage(i + 1), spec }))
      .filter((t) => trained(t.spec));
  if ((scheme === 'offline' || scheme === 'assistant') && experiment.teacher && trained(experiment.teacher))
    return [{ stage: 'teacher', spec: experiment.teacher }];
  return [];
}

/** JSON with sorted keys and no undefined members, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function teacherKey(experiment: Experiment, stage: string, spec: ModelSpec, backend: BackendName): string {
  const identity = {
    version: 1,
    stage,
    spec,
    budget: modelBudget(experiment, spec),
    seed: experiment.seed,
    data: experiment.data,
    backend,
  };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 16);
}

/** The identities of the teachers `experiment` trains on labels, by stage name. */
export function sharedTeachers(experiment: Experiment, backend: BackendName): Record<string, SweepTeacherInfo> {
  return Object.fromEntries(
    trainedTeachers(experiment).map(({ stage, spec }) => [
      stage,
      { key: teacherKey(experiment, stage, spec, backend) },
    ]),
  );
}
