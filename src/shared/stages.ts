// Stage names, parsed in one place. A stage is a model's schedule entry: "teacher", "student",
// "baseline", numbered ones ("teacher-2", "peer-1", "generation-3", "assistant-1", Noisy Student's
// "round-2", a student) and phases of one model's schedule after a dot ("student.kd").
import type { StageRole } from '../protocol/events';

const ROLES: readonly StageRole[] = ['teacher', 'student', 'baseline', 'peer', 'generation', 'assistant'];

/** "student.kd" → "student": the phases of one model's schedule share its model. */
export function baseStage(stage: string): string {
  const dot = stage.indexOf('.');
  return dot < 0 ? stage : stage.slice(0, dot);
}

/** "teacher-2.warmup" → { family: "teacher", index: 2 }; index is undefined for unnumbered stages. */
export function parseStage(stage: string): { family: string; index?: number } {
  const base = baseStage(stage);
  const numbered = /^(.*)-(\d+)$/.exec(base);
  return numbered?.[1] !== undefined && numbered[2] !== undefined
    ? { family: numbered[1], index: Number(numbered[2]) }
    : { family: base };
}

/** A stage's role from its name alone (when no stage-start event told it); unknown names are students. */
export function roleOfStage(stage: string): StageRole {
  const family = parseStage(stage).family;
  return ROLES.find((r) => r === family) ?? 'student';
}

/** The order models are shown in (tables, diagrams): teachers first, the baseline last. */
export const ROLE_RANK: Readonly<Record<StageRole, number>> = {
  teacher: 0,
  assistant: 1,
  student: 2,
  peer: 3,
  generation: 3,
  baseline: 4,
};
