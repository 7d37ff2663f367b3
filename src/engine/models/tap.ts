// Feature losses need intermediate activations. A tapped model is a second functional view over
// the same layers (so the same variables): training it trains the original model.
import * as tf from '@tensorflow/tfjs';

/** A model returning [...the named layers' outputs, logits], sharing every weight with `model`. */
export function tapModel(model: tf.LayersModel, layerNames: string[]): tf.LayersModel {
  if (model.outputs.length !== 1)
    throw new Error(
      `cannot tap model "${model.name}": it has ${model.outputs.length} outputs, expected one (the logits)`,
    );
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const taps = layerNames.map((name) => {
    const layer = byName.get(name);
    if (!layer || layer.getClassName() === 'InputLayer') {
      const available = model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name);
      throw new Error(`model "${model.name}" has no layer "${name}" to tap; available layers: ${available.join(', ')}`);
    }
    // The output of the layer's first call, the one inside this model's graph.
    const output = layer.getOutputAt(0);
    if (Array.isArray(output))
      throw new Error(`layer "${name}" has ${output.length} outputs; only single-output layers can be tapped`);
    return output;
  });
  return tf.model({ inputs: model.inputs, outputs: [...taps, model.outputs[0]], name: `${model.name}_tapped` });
}
