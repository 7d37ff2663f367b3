import * as tf from '@tensorflow/tfjs';

/** Copies every weight of `from` into `to`; both must have the same architecture. */
export function copyWeights(from: tf.LayersModel, to: tf.LayersModel): void {
  const source = from.weights;
  const target = to.weights;
  if (source.length !== target.length) {
    throw new Error(
      `cannot copy weights from "${from.name}" (${source.length} weights) to "${to.name}" (${target.length} weights)`,
    );
  }
  source.forEach((w, i) => {
    if (w.shape.join(',') !== target[i].shape.join(',')) {
      throw new Error(
        `cannot copy weights from "${from.name}" to "${to.name}": ${w.originalName} has shape [${w.shape}] but ${target[i].originalName} has [${target[i].shape}]`,
      );
    }
  });
  // getWeights returns the variables themselves (not copies): setWeights copies their values.
  to.setWeights(from.getWeights());
}

/** A new model with the same topology, layer names and weights (its own variables). */
export function cloneModel(model: tf.LayersModel): tf.LayersModel {
  const cls = model.constructor as tf.serialization.SerializableConstructor<tf.LayersModel>;
  const clone = (cls as unknown as { fromConfig: typeof tf.LayersModel.fromConfig }).fromConfig(cls, model.getConfig());
  copyWeights(model, clone);
  return clone;
}
