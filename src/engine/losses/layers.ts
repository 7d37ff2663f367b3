// Checks, when a term is created, that the layers it names exist and have shapes it can use, so
// a misspelt layer fails before training starts with a message that lists the alternatives.
import * as tf from '@tensorflow/tfjs';
import { pairLabel, type TermBody } from './definition';
import type { LossContext, LossInputs } from './types';

export type Side = 'teacher' | 'student';

function shapesOf(ctx: LossContext, side: Side): Record<string, number[]> {
  return side === 'teacher' ? ctx.teacherShapes : ctx.studentShapes;
}

function available(shapes: Record<string, number[]>): string {
  const names = Object.keys(shapes);
  return names.length > 0 ? names.join(', ') : '(none)';
}

function describeShape(shape: number[]): string {
  return `[${shape.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}

/** The output shape (without the batch dimension) of a named layer; throws naming the loss and the alternatives. */
export function layerShape(loss: string, ctx: LossContext, side: Side, layer: string): number[] {
  const shapes = shapesOf(ctx, side);
  const shape = Object.prototype.hasOwnProperty.call(shapes, layer) ? shapes[layer] : undefined;
  if (!shape) {
    const why =
      side === 'teacher' && Object.keys(shapes).length === 0 ? ' (this stage has no teacher layers to read)' : '';
    throw new Error(
      `${loss}: ${side} layer "${layer}" not found${why}; available ${side} layers: ${available(shapes)}`,
    );
  }
  if (shape.length === 0)
    throw new Error(
      `${loss}: ${side} layer "${layer}" outputs a scalar per example; a feature vector or map is needed`,
    );
  return shape;
}

/** A layer whose output is a feature map [height, width, channels] with known sizes. */
export function featureMapShape(
  loss: string,
  ctx: LossContext,
  side: Side,
  layer: string,
  why: string,
): [number, number, number] {
  const shape = layerShape(loss, ctx, side, layer);
  if (shape.length !== 3 || shape.some((d) => d <= 0)) {
    throw new Error(
      `${loss}: ${side} layer "${layer}" has output shape ${describeShape(shape)}; ${why} needs a feature map [height, width, channels] with known sizes`,
    );
  }
  return shape as [number, number, number];
}

/** A layer whose every output dimension is known (adapters are sized from it). */
export function knownShape(loss: string, ctx: LossContext, side: Side, layer: string): number[] {
  const shape = layerShape(loss, ctx, side, layer);
  if (shape.some((d) => d <= 0))
    throw new Error(`${loss}: ${side} layer "${layer}" has output shape ${describeShape(shape)} with unknown sizes`);
  return shape;
}

/** The batch's features of a tapped layer; throws when the trainer did not tap it. */
export function featuresOf(loss: string, inputs: LossInputs, side: Side, layer: string): tf.Tensor {
  const features = side === 'teacher' ? inputs.teacherFeatures[layer] : inputs.studentFeatures[layer];
  if (!features)
    throw new Error(`${loss}: no ${side} features for layer "${layer}" in this batch (the layer was not tapped)`);
  return features;
}

export function teacherLogitsOf(loss: string, inputs: LossInputs): tf.Tensor2D {
  if (!inputs.teacherLogits) throw new Error(`${loss}: needs teacher logits, but this stage has no teacher`);
  return inputs.teacherLogits;
}

/** Throws unless `value` is a finite number satisfying `ok`. */
export function requireParameter(
  loss: string,
  name: string,
  value: number,
  ok: (v: number) => boolean,
  rule: string,
): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`${loss}: ${name} must be ${rule} (got ${String(value)})`);
  }
}

/**
 * The part of a term that matches one teacher layer with one student layer: its label
 * ("loss:teacher->student"), the two layers to tap, and a compute reading the batch's features of both.
 */
export function layerPairTerm(
  loss: string,
  spec: { teacherLayer: string; studentLayer: string },
  compute: (student: tf.Tensor, teacher: tf.Tensor, inputs: LossInputs) => tf.Scalar,
): Pick<TermBody, 'label' | 'teacherLayers' | 'studentLayers' | 'compute'> {
  return {
    label: `${loss}:${pairLabel(spec.teacherLayer, spec.studentLayer)}`,
    teacherLayers: [spec.teacherLayer],
    studentLayers: [spec.studentLayer],
    compute: (inputs) =>
      compute(
        featuresOf(loss, inputs, 'student', spec.studentLayer),
        featuresOf(loss, inputs, 'teacher', spec.teacherLayer),
        inputs,
      ),
  };
}

/** Two layer names `[start, end]` of one side (fsp's flow endpoints); throws naming the key otherwise. */
export function twoLayers(loss: string, key: string, value: unknown): [string, string] {
  const names: unknown[] = Array.isArray(value) ? value : [];
  const [start, end] = names;
  if (names.length !== 2 || typeof start !== 'string' || typeof end !== 'string' || !start || !end) {
    throw new Error(`${loss}: ${key} must name two layers [start, end] (got ${JSON.stringify(value)})`);
  }
  return [start, end];
}
