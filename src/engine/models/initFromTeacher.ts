// DistilBERT's initialisation (Sanh et al. 2019): a student of the teacher's width starts from the
// teacher's weights, block i taking the weights of teacher block f(i) (every second one when the
// teacher is twice as deep), the other layers (embedding, classifier) those of the same name.
import * as tf from '@tensorflow/tfjs';
import type { LayerMapping, ModelSpec } from '../config/types';
import { blockCount, mapBlocks } from './layerMapping';

/** A student layer and the teacher layer whose weights it takes. */
export interface InitPair {
  studentLayer: string;
  teacherLayer: string;
}

const IN_BLOCK = /^block_(\d+)(_attention)?$/;
const OWNER = 'student initFromTeacher';

/**
 * The layer pairs of the initialisation, from the two models' layer names: mapped blocks with
 * their attention layers, then every other student layer that has a namesake in the teacher.
 */
export function initPairs(studentLayers: string[], teacherLayers: string[], mapping: LayerMapping): InitPair[] {
  const blocks = mapBlocks(OWNER, mapping, blockCount(studentLayers), blockCount(teacherLayers));
  const teacherNames = new Set(teacherLayers);
  const pairs: InitPair[] = [];
  for (const { student, teacher } of blocks) {
    for (const suffix of ['_attention', '']) {
      const studentLayer = `block_${student}${suffix}`;
      const teacherLayer = `block_${teacher}${suffix}`;
      if (studentLayers.includes(studentLayer) && teacherNames.has(teacherLayer))
        pairs.push({ studentLayer, teacherLayer });
    }
  }
  for (const name of studentLayers)
    if (!IN_BLOCK.test(name) && teacherNames.has(name)) pairs.push({ studentLayer: name, teacherLayer: name });
  return pairs;
}

function weightedLayerNames(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
}

/** The pairs for two built models, among the layers that have weights. */
export function initPairsOf(student: tf.LayersModel, teacher: tf.LayersModel, mapping: LayerMapping): InitPair[] {
  return initPairs(weightedLayerNames(student), weightedLayerNames(teacher), mapping);
}

/**
 * Copies the teacher's weights into the student along `initPairsOf`; the copies are the student's
 * own (training the student never touches the teacher). Throws naming the first pair whose weight
 * shapes differ: the initialisation needs the teacher's width (dModel, heads, ffn).
 */
export function initFromTeacher(student: tf.LayersModel, teacher: tf.LayersModel, mapping: LayerMapping): InitPair[] {
  const pairs = initPairsOf(student, teacher, mapping);
  const plan = pairs.map(({ studentLayer, teacherLayer }) => {
    const s = student.getLayer(studentLayer);
    const t = teacher.getLayer(teacherLayer);
    const shapes = (l: tf.layers.Layer) => l.weights.map((w) => `[${w.shape.join(', ')}]`).join(' ');
    if (shapes(s) !== shapes(t))
      throw new Error(
        `${OWNER}: student layer "${studentLayer}" has weights ${shapes(s) || '(none)'} but teacher layer "${teacherLayer}" has ${shapes(t) || '(none)'}; the initialisation needs a student of the teacher's width (the same dModel, heads and ffn)`,
      );
    return { s, t };
  });
  for (const { s, t } of plan) {
    const copies = t.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape, w.dtype));
    s.setWeights(copies);
    tf.dispose(copies);
  }
  return pairs;
}

/** The student's `initFromTeacher` mapping, when its spec asks for one. */
export function initMapping(spec: ModelSpec): LayerMapping | undefined {
  return 'initFromTeacher' in spec ? spec.initFromTeacher : undefined;
}
