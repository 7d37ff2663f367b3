// Builds a model from a user's list of layers. The output is always logits: a final dense layer
// with `classes` units and no activation is appended unless the list already ends with one.
import type * as tf from '@tensorflow/tfjs';
import type { LayerListModel, LayerSpec, ResidualLayerSpec, SequenceLayerSpec } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import { residualShortcut } from './shortcut';
import { addSequenceLayer, SEQUENCE_LAYER_TYPES, sequenceLayerName } from './sequenceLayers';
import type { BuildContext, BuiltModel } from './types';
import { isLogitsLayer, isSoftmaxOutput } from './outputLayer';

function addLayer(
  g: GraphBuilder,
  x: SymbolicTensor,
  spec: LayerSpec,
  name: string,
  linear: boolean,
  ctx: BuildContext,
): SymbolicTensor {
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
    case 'depthwiseConv2d':
      return g.depthwiseConv2d(x, name, {
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        depthMultiplier: spec.depthMultiplier,
        activation: spec.activation,
        useBias: spec.useBias,
      });
    case 'embedding':
    case 'transformerBlock':
    case 'lstm':
    case 'gru':
    case 'sequencePooling':
      return addSequenceLayer(g, x, spec, name, ctx);
    case 'residual':
      return addResidual(g, x, spec, name, ctx);
  }
}

/**
 * A residual block: its body's layers are named `${block}_${type}_${n}` unless named by the user,
 * the sum is `${block}` (or `${block}_add` followed by the activation named `${block}`), so
 * tapping the block's name reads its output.
 */
function addResidual(
  g: GraphBuilder,
  x: SymbolicTensor,
  spec: ResidualLayerSpec,
  block: string,
  ctx: BuildContext,
): SymbolicTensor {
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw new Error(`residual block "${block}" needs at least one layer in "layers"`);
  }
  let body = x;
  const counts = new Map<string, number>();
  for (const layer of spec.layers) {
    const n = (counts.get(layer.type) ?? 0) + 1;
    counts.set(layer.type, n);
    const name = layer.name ?? g.names.fixed(`${block}_${layer.type}_${n}`);
    body = addLayer(g, body, layer, name, false, ctx);
  }
  const shortcut = residualShortcut(g, x, body, spec.shortcut ?? 'identity', block);
  if (spec.activation === undefined || spec.activation === 'linear') return g.add([body, shortcut], block);
  return g.activation(g.add([body, shortcut], g.names.fixed(`${block}_add`)), block, spec.activation);
}

/** Every name the user gave, inside residual blocks too: reserved before any name is generated. */
function userNames(layers: LayerSpec[]): string[] {
  return layers.flatMap((l) => [...(l.name ? [l.name] : []), ...(l.type === 'residual' ? userNames(l.layers) : [])]);
}

export function buildLayerList(spec: LayerListModel, ctx: BuildContext): BuiltModel {
  const layers = spec.layers;
  const g = new GraphBuilder(ctx.inputShape, ctx.seed, userNames(layers));
  const last = layers[layers.length - 1];
  const endsWithOutput = isLogitsLayer(last, ctx.classes) || isSoftmaxOutput(last, ctx.classes);
  let x = g.input;
  layers.forEach((layer, i) => {
    const name =
      layer.name ??
      (layer.type === 'residual'
        ? nextBlockName(g)
        : SEQUENCE_LAYER_TYPES.has(layer.type)
          ? sequenceLayerName(g, layer.type as SequenceLayerSpec['type'])
          : g.names.next(layer.type));
    const isOutput = endsWithOutput && i === layers.length - 1;
    x = addLayer(g, x, layer, name, isOutput, ctx);
  });
  if (!endsWithOutput) x = g.dense(x, g.names.fixed('logits'), ctx.classes);
  const model: tf.LayersModel = g.model(x, ctx.name);
  return { model, tappable: tappableLayers(model) };
}

/** block1, block2, …: a numbered prefix the panel's diagram groups a block's layers by. */
function nextBlockName(g: GraphBuilder): string {
  for (let n = 1; ; n += 1) {
    const name = `block${n}`;
    if (g.names.isFree(name) && g.names.isFree(`${name}_add`)) return g.names.claim(name);
  }
}
