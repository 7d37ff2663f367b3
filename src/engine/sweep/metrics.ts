// The flat metrics of one run summary, under stable dotted names (`student.best.test`, `kdGain`):
// what groups are computed over and what `kd compare` prints. Accuracies stay fractions in [0, 1].
import type { ModelMetrics, RunSummary, StageRole } from '../../protocol/events';

/** The model of a summary that plays a role: the product for 'student', else the first stage with that role. */
function modelFor(summary: RunSummary, role: 'student' | 'baseline' | 'teacher'): ModelMetrics | undefined {
  if (role === 'student') return summary.models[summary.product];
  const wanted: StageRole = role;
  return Object.values(summary.models).find((m) => m.role === wanted);
}

function addModel(out: Record<string, number>, prefix: string, model: ModelMetrics | undefined): void {
  if (!model) return;
  out[`${prefix}.best.test`] = model.best.test;
  out[`${prefix}.last.test`] = model.last.test;
  if (model.best.val !== null) out[`${prefix}.best.val`] = model.best.val;
  if (model.last.val !== null) out[`${prefix}.last.val`] = model.last.val;
  out[`${prefix}.params`] = model.summary.params;
  out[`${prefix}.macs`] = model.summary.macs;
  out[`${prefix}.bytes`] = model.summary.bytes;
  out[`${prefix}.latencyMs`] = model.latencyMs;
}

/**
 * Every number of a summary by name. `kdGain` is paired within the run: its distilled student against
 * its own baseline (same seed, same data order, same initial weights), at the best-validation epochs;
 * `kdGain.last` the same at the last epochs.
 */
export function runMetrics(summary: RunSummary): Record<string, number> {
  const out: Record<string, number> = {};
  const student = modelFor(summary, 'student');
  const baseline = modelFor(summary, 'baseline');
  const teacher = modelFor(summary, 'teacher');
  addModel(out, 'student', student);
  addModel(out, 'baseline', baseline);
  addModel(out, 'teacher', teacher);
  if (student && baseline) {
    out.kdGain = student.best.test - baseline.best.test;
    out['kdGain.last'] = student.last.test - baseline.last.test;
  } else if (summary.kdGain !== undefined) {
    out.kdGain = summary.kdGain;
  }
  if (summary.agreement !== undefined) out.agreement = summary.agreement;
  if (summary.klTeacherStudent !== undefined) out.kl = summary.klTeacherStudent;
  if (student) {
    out.params = student.summary.params;
    out.macs = student.summary.macs;
    out.latencyMs = student.latencyMs;
  }
  if (summary.compressionRatio !== undefined) out.compressionRatio = summary.compressionRatio;
  if (summary.speedup !== undefined) out.speedup = summary.speedup;
  out.wallTimeMs = summary.durationMs;
  return out;
}
