// Per-layer and total size and cost of a model, for the run summary and the capacity-gap view.
//
// MACs count multiply-accumulates with weights for one example: dense in×out, convolution
// outH·outW·kh·kw·(cin/groups)·cout (depthwise and separable convolutions likewise per their
// kernels). Element-wise layers (batch norm, pooling, add, activations) count 0: their cost grows
// with their output size, not with weights, and the MAC counts quoted for architectures (e.g.
// ResNet-18's 1.8 G) are the convolution and dense products alone, so ours compare with those.
import type * as tf from '@tensorflow/tfjs';
import type { LayerSummary, ModelSummary } from '../../protocol/events';

type Shape = (number | null)[];
type Config = Record<string, unknown>;

interface NodeLike {
  inboundLayers: tf.layers.Layer[];
}

const WEIGHTED_DEPTH = new Set([
  'Dense',
  'Conv1D',
  'Conv2D',
  'Conv3D',
  'Conv2DTranspose',
  'Conv3DTranspose',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'SeparableConv1D',
]);

function firstShape(shape: Shape | Shape[]): Shape {
  return shape.length > 0 && Array.isArray(shape[0]) ? (shape[0] as Shape) : (shape as Shape);
}

function product(dims: Shape): number {
  return dims.reduce<number>((a, d) => a * (d ?? 1), 1);
}

function inputShapeOf(layer: tf.layers.Layer): Shape {
  try {
    const input = layer.getInputAt(0);
    return (Array.isArray(input) ? input[0] : input).shape;
  } catch {
    return [];
  }
}

/** Channels of a layer's input, channels-last (the TF.js default) or channels-first. */
function inputChannels(layer: tf.layers.Layer, config: Config): number {
  const shape = inputShapeOf(layer);
  return Number((config.dataFormat === 'channelsFirst' ? shape[1] : shape[shape.length - 1]) ?? 0);
}

/** Spatial positions of the output (outH·outW for 2-D; the product of all non-channel axes). */
function outputPositions(out: Shape, config: Config): number {
  const spatial = config.dataFormat === 'channelsFirst' ? out.slice(2) : out.slice(1, -1);
  return product(spatial);
}

/** Gate matrices per step of a recurrent cell: LSTM 4 (input, forget, cell, output), GRU 3, simple RNN 1. */
const GATES: Record<string, number> = { LSTM: 4, GRU: 3, SimpleRNN: 1 };

/** MACs of a recurrent layer over every step of [b, L, in]: gates · units · (in + units) · L. */
function recurrentMacs(className: string, units: number, input: Shape): number {
  const length = Number(input[1] ?? 0);
  const width = Number(input[input.length - 1] ?? 0);
  return (GATES[className] ?? 0) * units * (width + units) * length;
}

export function layerMacs(layer: tf.layers.Layer): number {
  const config = layer.getConfig() as Config;
  const out = firstShape(layer.outputShape as Shape | Shape[]);
  const kernelArea = (): number => {
    const k = config.kernelSize;
    return Array.isArray(k) ? product(k as number[]) : Number(k) ** (out.length - 2);
  };
  switch (layer.getClassName()) {
    case 'Dense': {
      const inUnits = Number(inputShapeOf(layer).at(-1) ?? 0);
      // A dense layer on a rank > 2 input applies to every position of the leading axes.
      return product(out.slice(1, -1)) * inUnits * Number(config.units);
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      const groups = Number(config.groups ?? 1) || 1;
      return (
        outputPositions(out, config) * kernelArea() * (inputChannels(layer, config) / groups) * Number(config.filters)
      );
    }
    case 'Conv2DTranspose':
    case 'Conv3DTranspose': {
      // Every input position scatters a kernel's worth of products into the output.
      const input = inputShapeOf(layer);
      return outputPositions(input, config) * kernelArea() * inputChannels(layer, config) * Number(config.filters);
    }
    case 'DepthwiseConv2D': {
      return (
        outputPositions(out, config) * kernelArea() * inputChannels(layer, config) * Number(config.depthMultiplier ?? 1)
      );
    }
    case 'SeparableConv1D':
    case 'SeparableConv2D': {
      const cin = inputChannels(layer, config);
      const depthMultiplier = Number(config.depthMultiplier ?? 1);
      const positions = outputPositions(out, config);
      return (
        positions * kernelArea() * cin * depthMultiplier + positions * cin * depthMultiplier * Number(config.filters)
      );
    }
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN':
      return recurrentMacs(layer.getClassName(), Number(config.units), inputShapeOf(layer));
    case 'Bidirectional': {
      // Two copies of the wrapped layer, one per direction.
      const inner = config.layer as { className: string; config: Config };
      return 2 * recurrentMacs(inner.className, Number(inner.config.units), inputShapeOf(layer));
    }
    case 'KdAttentionMaps': {
      // Q and K projections (L·d² each), then Q·Kᵀ over all heads (L²·d).
      const [, length, d] = inputShapeOf(layer).map(Number);
      return 2 * length * d * d + length * length * d;
    }
    case 'KdTransformerBlock': {
      // V and output projections (L·d² each), attention × V (L²·d), feed-forward (2·L·d·ffn).
      const [, length, d] = inputShapeOf(layer).map(Number);
      return 2 * length * d * d + length * length * d + 2 * length * d * Number(config.ffn);
    }
    default:
      return 0;
  }
}

function countParams(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + product(w.shape), 0);
}

/** Names of the layers feeding `layer` inside `model` (a shared layer may have calls in other models too). */
function inboundNames(layer: tf.layers.Layer, members: Set<string>): string[] {
  const names: string[] = [];
  for (const node of (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes) {
    const sources = node.inboundLayers.map((l) => l.name);
    if (!sources.every((n) => members.has(n))) continue;
    for (const name of sources) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The model's layers including its input layers (a Sequential model leaves them out of `layers`). */
function allLayers(model: tf.LayersModel): tf.layers.Layer[] {
  const layers = [...model.layers];
  const inputs = model.inputs.map((t) => t.sourceLayer as tf.layers.Layer);
  for (const input of inputs.reverse()) if (!layers.includes(input)) layers.unshift(input);
  return layers;
}

function width(layer: tf.layers.Layer): number {
  const config = layer.getConfig() as Config;
  const size = Number(config.units ?? config.filters ?? 0);
  return Number.isFinite(size) ? size : 0;
}

export function summarizeModel(model: tf.LayersModel, name: string): ModelSummary {
  const layers = allLayers(model);
  const members = new Set(layers.map((l) => l.name));
  const summaries: LayerSummary[] = layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: firstShape(layer.outputShape as Shape | Shape[]),
    params: countParams(layer.weights),
    macs: layerMacs(layer),
    inbound: inboundNames(layer, members),
  }));
  const params = countParams(model.weights);
  // The logits are the last output (a tapped model lists its taps first).
  const output = model.outputs[model.outputs.length - 1].shape;
  return {
    name,
    layers: summaries,
    params,
    trainableParams: countParams(model.trainableWeights),
    macs: summaries.reduce((sum, l) => sum + l.macs, 0),
    bytes: params * 4,
    depth: layers.filter((l) => WEIGHTED_DEPTH.has(l.getClassName())).length,
    width: layers.reduce((max, l) => Math.max(max, width(l)), 0),
    inputShape: model.inputs[0].shape.slice(1).map((d) => d ?? -1),
    classes: Number(output[output.length - 1] ?? 0),
  };
}
