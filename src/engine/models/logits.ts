// Loaded models often end in a softmax (Keras classifiers usually do), but every loss here works on
// logits. Given probabilities p = softmax(z), log p = z − logsumexp(z) is itself a valid logit
// vector: it differs from z by one constant per example, and softmax(v / T) is unchanged when a
// constant is added to v, so softmax(log p / T) = softmax(z / T) for every temperature T, and
// cross-entropy, KL and argmax agree. Rather than take log p, which turns into −∞ wherever float32
// softmax saturates to 0 (and then NaN in a loss), this recovers z itself: the input of a trailing
// Softmax/Activation layer, or the same layer rebuilt without its softmax with the same weights.
import * as tf from '@tensorflow/tfjs';

type Layer = tf.layers.Layer;
interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
}

function isSoftmaxActivation(value: unknown): boolean {
  return value === 'softmax';
}

/** The layer producing the model's (single) output and the symbolic inputs it was called on. */
function outputLayer(model: tf.LayersModel): { layer: Layer; inputs: tf.SymbolicTensor[] } | undefined {
  if (model.outputs.length !== 1) return undefined;
  const output = model.outputs[0];
  const layer = output.sourceLayer as Layer;
  const node = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[output.nodeIndex];
  if (!node) return undefined;
  return { layer, inputs: node.inputTensors };
}

/** True when the model's last layer applies a softmax over the last axis. */
export function endsWithSoftmax(model: tf.LayersModel): boolean {
  const last = outputLayer(model);
  if (!last) return false;
  const config = last.layer.getConfig();
  if (last.layer.getClassName() === 'Softmax') {
    // TF.js's Softmax defaults to axis 1, Keras's to -1: either way it must be the class axis.
    const rank = last.inputs[0].shape.length;
    const axes = Array.isArray(config.axis) ? config.axis : [config.axis ?? -1];
    return axes.length === 1 && (axes[0] === -1 || axes[0] === rank - 1);
  }
  return isSoftmaxActivation(config.activation);
}

/**
 * Returns a model whose output is the logits of `model` (see the note at the top of this file);
 * the model itself when its last layer applies no softmax. All other layers are shared.
 */
export function ensureLogits(model: tf.LayersModel): tf.LayersModel {
  if (!endsWithSoftmax(model)) return model;
  const { layer, inputs } = outputLayer(model)!;
  const className = layer.getClassName();
  let logits: tf.SymbolicTensor;
  if (className === 'Softmax' || className === 'Activation') {
    logits = inputs[0];
  } else {
    // The same layer without the softmax, holding a copy of the trained weights.
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
    if (!entry)
      throw new Error(`cannot strip the softmax of layer "${layer.name}" (class ${className} is not registered)`);
    const [cls, fromConfig] = entry;
    const linear = fromConfig(cls, { ...layer.getConfig(), activation: 'linear' }) as Layer;
    logits = linear.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
    linear.setWeights(layer.getWeights());
  }
  return tf.model({ inputs: model.inputs, outputs: logits, name: model.name });
}
