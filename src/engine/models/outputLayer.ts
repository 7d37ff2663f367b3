// When a layer list's last layer is its output layer: that depends on the class count, so it lives
// apart from the builder (which needs TF.js), and the static checks can ask whether a list's layer
// names would change with the number of classes.
import type { LayerSpec } from '../config/types';

export function isLogitsLayer(spec: LayerSpec | undefined, classes: number): boolean {
  return (
    spec?.type === 'dense' && spec.units === classes && (spec.activation === undefined || spec.activation === 'linear')
  );
}

/**
 * A last dense layer with `classes` units and a softmax is taken as the output layer built without
 * the softmax: every loss applies softmax (or log-softmax) to the logits itself.
 */
export function isSoftmaxOutput(spec: LayerSpec | undefined, classes: number): boolean {
  return spec?.type === 'dense' && spec.units === classes && spec.activation === 'softmax';
}

/**
 * Whether a layer list's names depend on the class count: its last layer is a dense one that is the
 * output for some count (then no "logits" layer is appended) and not for others.
 */
export function namesDependOnClasses(layers: readonly LayerSpec[]): boolean {
  const last = layers[layers.length - 1];
  return (
    last?.type === 'dense' &&
    (last.activation === undefined || last.activation === 'linear' || last.activation === 'softmax')
  );
}
