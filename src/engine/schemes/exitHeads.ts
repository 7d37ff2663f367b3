// Self-distillation from deep to shallow ("Be Your Own Teacher", Zhang et al. 2019): auxiliary
// classifiers (global pooling or flattening, then a dense layer to the classes) read named
// student layers and learn from the labels and from the network's own final logits. The heads are
// trained like a loss term's adaptation layers: they live in the terms, never in the student, so
// the exported student is the backbone with its final head only.
import * as tf from '@tensorflow/tfjs';
import type { LossInputs, LossTerm } from '../losses/types';
import { detach } from '../train/detach';

export interface ExitHead {
  /** The student layer the head reads. */
  layer: string;
  /** Display name, e.g. "exit:conv1". */
  name: string;
  variables: tf.Variable[];
  /** Logits of the head for one batch of that layer's output. */
  apply(features: tf.Tensor): tf.Tensor2D;
  dispose(): void;
}

let headCount = 0;

/**
 * A classifier on a layer's output of shape `shape` (without the batch dimension): a feature map
 * [h, w, c] is averaged over space, any other rank above one is flattened, then a dense layer
 * with Glorot-uniform weights (seeded) maps to `classes` logits.
 */
export function createExitHead(layer: string, shape: number[], classes: number, seed: number): ExitHead {
  const pooled = shape.length === 3;
  const inputs = pooled ? shape[2] : shape.reduce((a, b) => a * b, 1);
  const id = headCount++;
  const kernel = tf.variable(
    tf.initializers.glorotUniform({ seed }).apply([inputs, classes]) as tf.Tensor2D,
    true,
    `exit_${layer}_kernel_${id}`,
  );
  const bias = tf.variable(tf.zeros([classes]), true, `exit_${layer}_bias_${id}`);
  return {
    layer,
    name: `exit:${layer}`,
    variables: [kernel, bias],
    apply: (features) => {
      const flat = pooled ? tf.mean(features, [1, 2]) : tf.reshape(features, [features.shape[0], inputs]);
      return tf.add(tf.matMul(flat as tf.Tensor2D, kernel), bias) as tf.Tensor2D;
    },
    dispose: () => tf.dispose([kernel, bias]),
  };
}

/** The terms of one exits stage, plus what they own (heads and the inner terms). */
export interface ExitObjective {
  terms: LossTerm[];
  heads: ExitHead[];
  /** Disposes the heads and the inner terms (the returned terms' own dispose does nothing). */
  dispose(): void;
}

function readsLayers(term: LossTerm): boolean {
  return term.studentLayers.length > 0 || term.teacherLayers.length > 0;
}

/**
 * Spreads `inner` (the stage's terms, built with the student as its own teacher) over the exits:
 * - terms on logits that need no teacher (ce) apply to the final logits and to every exit;
 * - terms on logits that need a teacher (kd, dkd, relation terms without layers) apply to every
 *   exit, with the final logits, detached, as the teacher: the deep part teaches the shallow;
 * - terms that read layers (e.g. a hint from the deepest features to a shallow layer) apply once,
 *   their "teacher" layers being the student's own, detached.
 * An exit's term is named `<term>@<layer>`.
 */
export function exitObjective(inner: LossTerm[], heads: ExitHead[]): ExitObjective {
  const terms: LossTerm[] = [];
  const logitTerms = inner.filter((t) => !readsLayers(t));
  for (const term of logitTerms) if (!term.needsTeacher) terms.push(asOwned(term));
  for (const head of heads) {
    // Every term of an exit applies its head to the same feature tensor: compute it once per step.
    const outputs = new WeakMap<tf.Tensor, tf.Tensor2D>();
    const headLogits = (features: tf.Tensor) => {
      let logits = outputs.get(features);
      if (!logits) {
        logits = head.apply(features);
        outputs.set(features, logits);
      }
      return logits;
    };
    logitTerms.forEach((term, i) => terms.push(exitTerm(term, head, headLogits, i === 0)));
  }
  for (const term of inner) if (readsLayers(term)) terms.push(selfTaught(term));
  return {
    terms,
    heads,
    dispose: () => {
      heads.forEach((h) => h.dispose());
      inner.forEach((t) => t.dispose());
    },
  };
}

function asOwned(term: LossTerm): LossTerm {
  return {
    name: term.name,
    spec: term.spec,
    weight: term.weight,
    needsTeacher: false,
    teacherLayers: [],
    studentLayers: [],
    trainableVariables: () => term.trainableVariables(),
    stateVariables: () => term.stateVariables(),
    adapters: () => term.adapters(),
    compute: (inputs) => term.compute(inputs),
    dispose: () => undefined,
  };
}

function exitTerm(
  term: LossTerm,
  head: ExitHead,
  headLogits: (features: tf.Tensor) => tf.Tensor2D,
  ownsHead: boolean,
): LossTerm {
  return {
    name: `${term.name}@${head.layer}`,
    spec: term.spec,
    weight: term.weight,
    needsTeacher: false,
    teacherLayers: [],
    studentLayers: [head.layer],
    // The head's variables are listed by the first term of its exit only, so each is trained once.
    trainableVariables: () => (ownsHead ? head.variables : []),
    stateVariables: () => [],
    adapters: () => ({ [head.layer]: head.name }),
    compute: (inputs: LossInputs) => {
      const features = inputs.studentFeatures[head.layer];
      if (!features) throw new Error(`${head.name}: layer "${head.layer}" was not tapped`);
      return term.compute({
        ...inputs,
        studentLogits: headLogits(features),
        teacherLogits: detach(inputs.studentLogits),
      });
    },
    dispose: () => undefined,
  };
}

function selfTaught(term: LossTerm): LossTerm {
  return {
    name: term.name,
    spec: term.spec,
    weight: term.weight,
    needsTeacher: false,
    teacherLayers: [],
    studentLayers: [...new Set([...term.studentLayers, ...term.teacherLayers])],
    trainableVariables: () => term.trainableVariables(),
    stateVariables: () => term.stateVariables(),
    adapters: () => term.adapters(),
    compute: (inputs: LossInputs) => {
      const teacherFeatures: Record<string, tf.Tensor> = {};
      for (const layer of term.teacherLayers) teacherFeatures[layer] = detach(inputs.studentFeatures[layer]);
      return term.compute({ ...inputs, teacherLogits: detach(inputs.studentLogits), teacherFeatures });
    },
    dispose: () => undefined,
  };
}
