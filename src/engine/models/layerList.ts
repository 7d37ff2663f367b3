// Builds a model from a user's list of layers. The output is always logits: a final dense layer
// with `classes` units and no activation is appended unless the list already ends with one.
import type * as tf from '@tensorflow/tfjs';
import type { LayerListModel, LayerSpec } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import type { BuildContext, BuiltModel } from './types';

function isLogitsLayer(spec: LayerSpec | undefined, classes: number): boolean {
  return (
    spec?.type === 'dense' && spec.units === classes && (spec.activation === undefined || spec.activation === 'linear')
  );
}

/**
 * A last dense layer with `classes` units and a softmax is taken as the output layer built without
 * the softmax: every loss applies softmax (or log-softmax) to the logits itself.
 */
function isSoftmaxOutput(spec: LayerSpec | undefined, classes: number): boolean {
  return spec?.type === 'dense' && spec.units === classes && spec.activation === 'softmax';
}

function addLayer(g: GraphBuilder, x: SymbolicTensor, spec: LayerSpec, name: string, linear: boolean): SymbolicTensor {
  switch (spec.type) {
    case 'dense':
      return g.dense(x, name, spec.units, linear ? 'linear' : spec.activation, spec.useBias ?? true);
    case 'conv2d':
      return g.conv2d(x, name, {
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        activation: spec.activation,
        useBias: spec.useBias,
      });
    case 'maxPool':
    case 'avgPool':
      return g.pool(
        x,
        name,
        spec.type === 'maxPool' ? 'max' : 'avg',
        spec.poolSize,
        spec.strides,
        spec.padding ?? 'valid',
      );
    case 'globalAveragePooling':
      return g.globalAveragePooling(x, name);
    case 'batchNormalization':
      return g.batchNorm(x, name, spec.momentum, spec.epsilon);
    case 'dropout':
      return g.dropout(x, name, spec.rate);
    case 'flatten':
      return g.flatten(x, name);
    case 'activation':
      return g.activation(x, name, spec.activation);
    case 'leakyRelu':
      return g.leakyRelu(x, name, spec.alpha ?? 0.3);
  }
}

export function buildLayerList(spec: LayerListModel, ctx: BuildContext): BuiltModel {
  const layers = spec.layers;
  const g = new GraphBuilder(
    ctx.inputShape,
    ctx.seed,
    layers.flatMap((l) => (l.name ? [l.name] : [])),
  );
  const last = layers[layers.length - 1];
  const endsWithOutput = isLogitsLayer(last, ctx.classes) || isSoftmaxOutput(last, ctx.classes);
  let x = g.input;
  layers.forEach((layer, i) => {
    const name = layer.name ?? g.names.next(layer.type);
    const isOutput = endsWithOutput && i === layers.length - 1;
    x = addLayer(g, x, layer, name, isOutput);
  });
  if (!endsWithOutput) x = g.dense(x, g.names.fixed('logits'), ctx.classes);
  const model: tf.LayersModel = g.model(x, ctx.name);
  return { model, tappable: tappableLayers(model) };
}
