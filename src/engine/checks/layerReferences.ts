// Loss terms name the teacher's and the student's layers (`teacherLayer`, `studentLayers`, `pairs`…),
// and self-distillation names the student layers that get exits. Where the models' layers are known
// without training, a name that is not one of them is reported at the name itself, with the valid
// names in the message and as replacements (nearest first), before anything runs.
import type { Experiment, ExperimentFile, LossSpec } from '../config/types';
import type { Segment } from '../config/json';
import type { SemanticIssue } from '../config/semantic';
import { byLikeness, suggestion } from '../config/suggest';
import { staticLayerNames } from './modelLayers';

type Side = 'teacher' | 'student';

/** A layer name written in a loss term, with its path within the term. */
interface Reference {
  side: Side;
  name: string;
  at: Segment[];
}

const SINGLE: Record<string, Side> = { teacherLayer: 'teacher', studentLayer: 'student' };
const LISTS: Record<string, Side> = { teacherLayers: 'teacher', studentLayers: 'student' };

/** Every layer name a term writes, whatever the loss: single names, lists of names, and pairs. */
function referencesOf(term: Record<string, unknown>): Reference[] {
  const found: Reference[] = [];
  for (const [key, value] of Object.entries(term)) {
    const single = SINGLE[key];
    const list = LISTS[key];
    if (single && typeof value === 'string') found.push({ side: single, name: value, at: [key] });
    else if (list && Array.isArray(value))
      value.forEach((v, i) => typeof v === 'string' && found.push({ side: list, name: v, at: [key, i] }));
    else if (key === 'pairs' && Array.isArray(value))
      value.forEach((pair, i) => {
        if (pair && typeof pair === 'object')
          for (const inner of referencesOf(pair as Record<string, unknown>))
            found.push({ ...inner, at: ['pairs', i, ...inner.at] });
      });
  }
  return found;
}

/** The loss lists with their paths: each stage's, or `distill.losses`. */
function lossLists(experiment: Experiment): { at: Segment[]; losses: LossSpec[] }[] {
  const stages = experiment.distill.stages;
  if (stages && stages.length > 0)
    return stages.map((stage, s) => ({ at: ['distill', 'stages', s, 'losses'], losses: stage.losses }));
  return [{ at: ['distill', 'losses'], losses: experiment.distill.losses }];
}

function listing(side: Side, names: readonly string[]): string {
  return names.length > 0 ? `the ${side}'s layers are ${names.join(', ')}` : `the ${side} has no layer to tap`;
}

export function layerReferenceIssues(
  experiment: Experiment,
  file: ExperimentFile,
  runsDir: string | undefined,
): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const scheme = experiment.distill.scheme;
  // Other schemes put other models in the teacher's place (peers, assistants, several teachers).
  const checksTeacher = scheme === 'offline' && experiment.teacher !== undefined;
  const namesBySide: Partial<Record<Side, string[] | undefined>> = {};
  const namesOf = (side: Side): string[] | undefined => {
    if (!(side in namesBySide)) {
      const spec = side === 'teacher' ? experiment.teacher : experiment.student;
      namesBySide[side] = spec ? staticLayerNames(spec, experiment, file, runsDir) : undefined;
    }
    return namesBySide[side];
  };
  const check = (side: Side, name: string, at: Segment[], what: string) => {
    const names = namesOf(side);
    if (!names || names.includes(name)) return;
    issues.push({
      path: at,
      message: `${what}: ${side} layer "${name}" not found${suggestion(name, names)}; ${listing(side, names)}`,
      severity: 'error',
      contextual: true,
      mark: { valueOnly: true, replacements: byLikeness(name, names) },
    });
  };
  if (scheme === 'offline')
    for (const { at, losses } of lossLists(experiment))
      losses.forEach((loss, i) => {
        for (const ref of referencesOf(loss as unknown as Record<string, unknown>)) {
          if (ref.side === 'teacher' && !checksTeacher) continue;
          check(ref.side, ref.name, [...at, i, ...ref.at], loss.type);
        }
      });
  if (scheme === 'self' && experiment.distill.selfMode === 'exits')
    (experiment.distill.exits ?? []).forEach((name, i) => check('student', name, ['distill', 'exits', i], 'exits'));
  return issues;
}
