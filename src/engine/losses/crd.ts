// Contrastive representation distillation (Tian, Krishnan & Isola, ICLR 2020). Both sides' features
// go through a linear embedding head and l2-normalisation; each example's student embedding is
// contrasted with the teacher's memory-bank embedding of the same example (the positive) against
// K others drawn from the training set, and the teacher embedding likewise against the student's
// memory. The objective is the paper's NCE with the normaliser Z estimated once, from the first
// batch, as the reference implementation does (or, with "objective": "softmax", the
// softmax-contrastive form many reimplementations use). The banks, the Z estimates and the draw
// counter are the term's state: checkpointed with the run, so a resumed run continues exactly.
import * as tf from '@tensorflow/tfjs';
import { pairLabel, type LossDefinition } from './definition';
import { adapterSeed, applyLinear, createLinearAdapter } from './adapters';
import { contrastIndices, MemoryBank } from './crdMemory';
import { featuresOf, knownShape, requireParameter } from './layers';
import { constant, flattenPerSample, l2Normalize } from './ops';
import type { LossContext } from './types';

/** The reference's ε inside the NCE logarithms. */
export const CRD_EPS = 1e-7;

/**
 * NCE loss of one side: P [B, K+1] holds exp(s/τ)/Z with the positive in column 0; with the noise
 * distribution uniform over N examples, Pn = 1/N and m = K:
 * −(1/B) Σ_b [ log(P_b0 / (P_b0 + m·Pn + ε)) + Σ_{j≥1} log(m·Pn / (P_bj + m·Pn + ε)) ].
 */
export function nceLoss(p: tf.Tensor2D, dataSize: number): tf.Scalar {
  return tf.tidy(() => {
    const [batch, columns] = p.shape;
    const noise = (columns - 1) / dataSize;
    const positive = tf.slice(p, [0, 0], [batch, 1]);
    const negatives = tf.slice(p, [0, 1], [batch, columns - 1]);
    const logPositive = tf.log(tf.div(positive, tf.add(positive, noise + CRD_EPS)));
    const logNegatives = tf.log(tf.div(noise, tf.add(negatives, noise + CRD_EPS)));
    return tf.div(tf.neg(tf.add(tf.sum(logPositive), tf.sum(logNegatives))), batch) as tf.Scalar;
  });
}

/** Softmax-contrastive loss: −(1/B) Σ_b log softmax(s_b / τ)_0, the positive in column 0. */
export function softmaxContrastLoss(scores: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(tf.div(scores, temperature));
    return tf.neg(tf.mean(tf.slice(logp, [0, 0], [scores.shape[0], 1]))) as tf.Scalar;
  });
}

/** The layer feeding the last one (the logits): what the reference contrasts (its penultimate features). */
function penultimate(shapes: Record<string, number[]>, side: string): string {
  const names = Object.keys(shapes);
  if (names.length < 2) throw new Error(`crd: the ${side} model has no layer before its logits to embed`);
  return names[names.length - 2];
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function requireTrainSize(ctx: LossContext): number {
  const size = ctx.trainSize;
  if (size === undefined || !Number.isInteger(size) || size < 1) {
    throw new Error('crd: needs the size of the training set to size its memory banks (none was given)');
  }
  return size;
}

export const crdDefinition: LossDefinition<'crd'> = {
  type: 'crd',
  docs: 'Contrastive representation distillation (Tian et al. 2020): linear + l2-normalised embedding heads of `feat` dimensions on both sides, a momentum memory bank over the training set, NCE against `nceK` negatives at `temperature`. From the layers feeding the logits unless `teacherLayer` / `studentLayer` name others. See docs/losses.md.',
  // RepDistiller's defaults (feat_dim, nce_k, nce_t, nce_m).
  defaults: { feat: 128, nceK: 16384, temperature: 0.07, momentum: 0.5, objective: 'nce' },
  schema: {
    properties: {
      feat: { type: 'integer', minimum: 1, description: 'crd: dimension of the embeddings (both heads).' },
      nceK: {
        type: 'integer',
        minimum: 1,
        description:
          'crd: negatives drawn per example from the training set (RepDistiller uses 16384). Each step reads batch × (nceK + 1) memory rows per side.',
      },
      temperature: {
        type: 'number',
        exclusiveMinimum: 0,
        description: 'crd: temperature τ of the scores exp(v·m / τ).',
      },
      momentum: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        description: 'crd: memory-bank momentum m: a row becomes normalize(m·row + (1 − m)·embedding).',
      },
      objective: {
        type: 'string',
        enum: ['nce', 'softmax'],
        description:
          "crd: `nce`, the paper's noise-contrastive objective with the normaliser Z estimated from the first batch (as the reference implementation does); `softmax`, the softmax-contrastive form (cross-entropy of the positive among the K + 1 scores).",
      },
      teacherLayer: {
        type: 'string',
        minLength: 1,
        description: 'crd: teacher layer to embed (default: the layer feeding the logits, e.g. `pool`).',
      },
      studentLayer: {
        type: 'string',
        minLength: 1,
        description: 'crd: student layer to embed (default: the layer feeding the logits, e.g. `pool`).',
      },
    },
  },
  example: { weight: 0.8, feat: 4, nceK: 8, temperature: 0.07, teacherLayer: 'embed', studentLayer: 'embed' },
  snippet: { label: 'crd', body: { weight: 0.8, feat: 128, nceK: 4096, temperature: 0.07 } },
  needsTeacher: true,
  create(spec, ctx) {
    requireParameter('crd', 'feat', spec.feat, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
    requireParameter('crd', 'nceK', spec.nceK, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
    requireParameter('crd', 'temperature', spec.temperature, (v) => v > 0, 'positive');
    const momentum = spec.momentum ?? 0.5;
    requireParameter('crd', 'momentum', momentum, (v) => v >= 0 && v < 1, 'in [0, 1)');
    const objective = spec.objective ?? 'nce';
    const size = requireTrainSize(ctx);
    const teacherLayer = spec.teacherLayer ?? penultimate(ctx.teacherShapes, 'teacher');
    const studentLayer = spec.studentLayer ?? penultimate(ctx.studentShapes, 'student');
    const sDim = sizeOf(knownShape('crd', ctx, 'student', studentLayer));
    const tDim = sizeOf(knownShape('crd', ctx, 'teacher', teacherLayer));
    const label = `crd:${pairLabel(teacherLayer, studentLayer)}`;
    const seed = adapterSeed(ctx.seed, label);
    const headS = createLinearAdapter(sDim, spec.feat, seed, 'dense', `${label}_student`);
    const headT = createLinearAdapter(tDim, spec.feat, seed ^ 0x5bd1e995, 'dense', `${label}_teacher`);
    const memoryS = new MemoryBank(size, spec.feat, seed ^ 0x27d4eb2d);
    const memoryT = new MemoryBank(size, spec.feat, seed ^ 0x165667b1);
    // [Z of the student side, Z of the teacher side]; 0 until estimated. Then the steps drawn so far.
    const normaliser = tf.tidy(() => tf.variable(tf.zeros([2]), false));
    const steps = tf.tidy(() => tf.variable(tf.scalar(0), false));
    let z: [number, number] | undefined;
    let step: number | undefined;
    const columns = spec.nceK + 1;

    return {
      label,
      teacherLayers: [teacherLayer],
      studentLayers: [studentLayer],
      variables: [headS.kernel, headS.bias, headT.kernel, headT.bias],
      state: [memoryS.rows, memoryT.rows, normaliser, steps],
      adapters: { [studentLayer]: `embed ${sDim}->${spec.feat} (crd)` },
      compute(inputs) {
        const indices = inputs.indices;
        if (!indices)
          throw new Error("crd: needs the training examples' indices in the batch (its memory is per example)");
        // Restored state (a resumed run) is read once, at the first step of this process.
        if (step === undefined) step = steps.dataSync()[0];
        const contrast = contrastIndices(ctx.seed, step, indices, size, spec.nceK);
        step += 1;
        tf.tidy(() => steps.assign(tf.scalar(step as number)));
        const fs = flattenPerSample(featuresOf('crd', inputs, 'student', studentLayer));
        const ft = flattenPerSample(constant(featuresOf('crd', inputs, 'teacher', teacherLayer)));
        const vs = l2Normalize(applyLinear(fs, headS.kernel as tf.Tensor2D, headS.bias as tf.Tensor1D)) as tf.Tensor2D;
        const vt = l2Normalize(applyLinear(ft, headT.kernel as tf.Tensor2D, headT.bias as tf.Tensor1D)) as tf.Tensor2D;
        // Student embeddings against the teacher's memory, teacher embeddings against the student's.
        const scoresS = memoryT.score(vs, contrast, columns);
        const scoresT = memoryS.score(vt, contrast, columns);
        let loss: tf.Scalar;
        if (objective === 'softmax') {
          loss = tf.add(softmaxContrastLoss(scoresS, spec.temperature), softmaxContrastLoss(scoresT, spec.temperature));
        } else {
          const expS = tf.exp(tf.div(scoresS, spec.temperature));
          const expT = tf.exp(tf.div(scoresT, spec.temperature));
          if (z === undefined) {
            const saved = normaliser.dataSync();
            if (saved[0] > 0 && saved[1] > 0) {
              z = [saved[0], saved[1]];
            } else {
              // Z ≈ N·E[exp(s/τ)], from the first batch, then fixed (as the reference estimates it).
              z = [tf.mean(expS).dataSync()[0] * size, tf.mean(expT).dataSync()[0] * size];
              const estimate = z;
              tf.tidy(() => normaliser.assign(tf.tensor1d(estimate)));
            }
          }
          loss = tf.add(nceLoss(tf.div(expS, z[0]), size), nceLoss(tf.div(expT, z[1]), size));
        }
        memoryS.update(indices, vs, momentum);
        memoryT.update(indices, vt, momentum);
        return loss;
      },
      dispose() {
        memoryS.dispose();
        memoryT.dispose();
        normaliser.dispose();
        steps.dispose();
      },
    };
  },
};
