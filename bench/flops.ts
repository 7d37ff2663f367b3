// Analytic floating-point operation counts of the matrix products and convolutions in a training
// step (element-wise work such as activations, losses and the optimizer is left out: it is small
// next to the products and bandwidth-bound, not compute-bound).
import type * as tf from '@tensorflow/tfjs';

interface LayerProducts {
  /** Multiply-adds × 2 of the layer's forward pass for one example. */
  forward: number;
}

function layerProducts(layer: tf.layers.Layer): LayerProducts | undefined {
  const className = layer.getClassName();
  const kernel = layer.getWeights().find((w) => w.rank >= 2);
  if (!kernel) return undefined;
  if (className === 'Dense') {
    const [inputs, units] = kernel.shape;
    return { forward: 2 * inputs * units };
  }
  if (className === 'Conv2D') {
    const [kh, kw, cin, cout] = kernel.shape;
    const out = layer.outputShape as number[];
    return { forward: 2 * out[1] * out[2] * kh * kw * cin * cout };
  }
  if (className === 'DepthwiseConv2D') {
    const [kh, kw, cin, multiplier] = kernel.shape;
    const out = layer.outputShape as number[];
    return { forward: 2 * out[1] * out[2] * kh * kw * cin * multiplier };
  }
  return undefined;
}

/**
 * FLOPs of a batch through the model: the forward pass, and for training also the weight
 * gradients (as many again) and the input gradients (as many again, except for the first layer,
 * whose input needs no gradient).
 */
export function stepFlops(model: tf.LayersModel, batchSize: number, training: boolean): number {
  const layers = model.layers.map(layerProducts).filter((p): p is LayerProducts => p !== undefined);
  let total = 0;
  layers.forEach((p, i) => {
    total += p.forward;
    if (training) total += p.forward + (i > 0 ? p.forward : 0);
  });
  return total * batchSize;
}
