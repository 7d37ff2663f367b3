// Describes an experiment's models without training them: the summaries and matched layers the
// panel draws before a run starts (and `kd describe` prints).
import type { Experiment, ExperimentFile, ModelSpec } from '../config/types';
import type { ModelsEvent, ModelSummary } from '../../protocol/events';
import { loadDataset } from '../data';
import { buildModel, summarizeModel } from '../models';
import { createLossTerms } from '../losses';
import { layerShapes, resolveModel } from './resolveModel';
import { layerLinks } from './links';
import { initMapping, initPairsOf } from '../models/initFromTeacher';
import { selectBackend } from '../backend/select';
import type * as tf from '@tensorflow/tfjs';

/** A `fromCell` model with no finished run yet is described by the referenced cell's own student spec. */
function specOf(spec: ModelSpec, file: ExperimentFile | undefined): ModelSpec {
  if (!('fromCell' in spec) || !file) return spec;
  const cell = file.experiments.find((e) => e.cell === spec.fromCell);
  return cell ? specOf(cell.student, file) : spec;
}

export async function describeExperiment(
  experiment: Experiment,
  runsDir: string,
  file?: ExperimentFile,
): Promise<ModelsEvent> {
  // Building and summarising needs no fast kernels; the plain cpu backend always loads.
  await selectBackend('cpu');
  const path = await import('path');
  // Only shapes are needed: one example of each split is enough.
  const data = await loadDataset(
    { ...experiment.data, unlabeled: undefined, trainLimit: 8, testLimit: 1, validationSplit: 0 },
    { baseDir: path.dirname(experiment.sourceFile), seed: experiment.seed },
  );
  const shape = { inputShape: data.inputShape, classes: data.classes, vocabulary: data.vocabulary };
  const live: Record<string, tf.LayersModel> = {};
  const resolveOrBuild = async (spec: ModelSpec, name: string): Promise<tf.LayersModel> => {
    try {
      return (await resolveModel(spec, name, experiment, shape, runsDir, experiment.seed)).model;
    } catch (error) {
      const fallback = specOf(spec, file);
      if (fallback === spec || 'load' in fallback || 'fromCell' in fallback) throw error;
      return buildModel(fallback, {
        inputShape: shape.inputShape,
        classes: shape.classes,
        vocabSize: shape.vocabulary?.vocab.length,
        name,
        seed: experiment.seed,
      }).model;
    }
  };
  if (experiment.teacher) live.teacher = await resolveOrBuild(experiment.teacher, 'teacher');
  live.student = await resolveOrBuild(experiment.student, 'student');
  const models: Record<string, ModelSummary> = {};
  for (const [stage, model] of Object.entries(live)) models[stage] = summarizeModel(model, stage);
  const specs = experiment.distill.stages?.flatMap((s) => s.losses) ?? experiment.distill.losses;
  const terms = createLossTerms(specs, {
    teacherShapes: live.teacher ? layerShapes(live.teacher) : {},
    studentShapes: layerShapes(live.student),
    classes: data.classes,
    seed: experiment.seed,
    trainSize: data.train.count,
  });
  const mapping = initMapping(experiment.student);
  const links = layerLinks(terms, mapping && live.teacher ? initPairsOf(live.student, live.teacher, mapping) : []);
  terms.forEach((t) => t.dispose());
  for (const model of Object.values(live)) model.dispose();
  return { type: 'models', time: new Date().toISOString(), models, links };
}
