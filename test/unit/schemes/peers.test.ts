import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import type { LossSpec } from '../../../src/engine/config/types';
import type { Batch, Dataset } from '../../../src/engine/data/types';
import type { LossInputs, LossTerm } from '../../../src/engine/losses/types';
import { detach } from '../../../src/engine/train/detach';
import { createOptimizer } from '../../../src/engine/train/optimizer';
import { peersStep, type LivePeer } from '../../../src/engine/train/peers';
import { modelVariables } from '../../../src/engine/train/stage';

/** A term with an analytic gradient: mean squared difference between the student logits and `target(inputs)`. */
function squaredTerm(
  name: string,
  weight: number,
  needsTeacher: boolean,
  target: (i: LossInputs) => tf.Tensor,
): LossTerm {
  return {
    name,
    weight,
    needsTeacher,
    spec: { type: 'ce', weight } as LossSpec,
    teacherLayers: [],
    studentLayers: [],
    trainableVariables: () => [],
    stateVariables: () => [],
    adapters: () => ({}),
    dispose: () => undefined,
    compute: (inputs) => tf.mean(tf.square(tf.sub(inputs.studentLogits, target(inputs)))) as tf.Scalar,
  };
}

type Matrix = number[][];
const matmul = (a: Matrix, b: Matrix): Matrix =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const transpose = (a: Matrix): Matrix => a[0].map((_, j) => a.map((row) => row[j]));
const meanSq = (a: Matrix, b: Matrix): number =>
  a.flat().reduce((s, v, i) => s + (v - b.flat()[i]) ** 2, 0) / a.flat().length;

describe('mutual learning step (peers.ts)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('detach passes values and blocks gradients', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(detach(v), v)) as tf.Scalar, [v]);
    // d/dv Σ c·v with c = v held constant is c, not 2v.
    assert.deepStrictEqual(Array.from(grads[v.name].dataSync()), [1, 2, 3]);
    assert.strictEqual(value.dataSync()[0], 14);
    tf.dispose([v, value, grads[v.name]]);
  });

  it('updates each peer from its own loss, with teacher terms averaged over the other peers (hand-computed SGD step)', () => {
    const X: Matrix = [
      [1, 0, 2],
      [0.5, -1, 1],
    ];
    const labels = [0, 1];
    const Y: Matrix = [
      [1, 0],
      [0, 1],
    ];
    const W0: Matrix[] = [
      [
        [0.1, -0.2],
        [0.3, 0.0],
        [-0.1, 0.2],
      ],
      [
        [0.2, 0.1],
        [-0.3, 0.4],
        [0.0, -0.2],
      ],
      [
        [-0.4, 0.3],
        [0.1, 0.1],
        [0.2, 0.0],
      ],
    ];
    const lr = 0.5;
    const wLab = 0.7;
    const wMutual = 1.3;
    const peers: LivePeer[] = W0.map((w) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, useBias: false, inputShape: [3] })] });
      model.setWeights([tf.tensor2d(w)]);
      return {
        tapped: model,
        studentLayers: [],
        variables: modelVariables(model),
        weightDecay: 0,
        optimizer: createOptimizer({ type: 'sgd', lr, weightDecay: 0 }),
        terms: [
          squaredTerm('lab', wLab, false, (i) => i.labels),
          squaredTerm('mutual', wMutual, true, (i) => i.teacherLogits as tf.Tensor),
        ],
      };
    });
    const dataset = { inputShape: [3], classes: 2 } as unknown as Dataset;
    const batch: Batch = {
      x: new Float32Array(X.flat()),
      y: new Int32Array(labels),
      indices: new Int32Array([0, 1]),
      size: 2,
    };

    const results = peersStep(peers, batch, dataset, 1);

    const Z = W0.map((w) => matmul(X, w));
    const n = 4; // elements averaged by each mean-squared term
    W0.forEach((w, i) => {
      const others = Z.filter((_, j) => j !== i);
      const lab = wLab * meanSq(Z[i], Y);
      const mutual = (wMutual * others.reduce((s, z) => s + meanSq(Z[i], z), 0)) / others.length;
      assert.ok(Math.abs(results[i].losses.lab - lab) < 1e-5, `peer ${i} lab ${results[i].losses.lab} vs ${lab}`);
      assert.ok(
        Math.abs(results[i].losses.mutual - mutual) < 1e-5,
        `peer ${i} mutual ${results[i].losses.mutual} vs ${mutual}`,
      );
      assert.ok(Math.abs(results[i].total - (lab + mutual)) < 1e-5);
      // dL/dZ = 2·wLab·(Z − Y)/n + 2·wMutual/(K−1) · Σ_{j≠i} (Z − Z_j)/n; dL/dW = Xᵀ·dL/dZ.
      const dZ = Z[i].map((row, r) =>
        row.map(
          (v, c) =>
            (2 * wLab * (v - Y[r][c])) / n +
            (2 * wMutual * others.reduce((s, z) => s + (v - z[r][c]), 0)) / (n * others.length),
        ),
      );
      const dW = matmul(transpose(X), dZ);
      const expected = w.map((row, r) => row.map((v, c) => v - lr * dW[r][c]));
      const actual = peers[i].tapped.getWeights()[0].arraySync() as Matrix;
      expected
        .flat()
        .forEach((v, k) =>
          assert.ok(Math.abs(actual.flat()[k] - v) < 1e-5, `peer ${i} weight ${k}: ${actual.flat()[k]} vs ${v}`),
        );
      const predicted = Z[i].map((row) => (row[0] >= row[1] ? 0 : 1));
      assert.strictEqual(results[i].correct, predicted.filter((p, r) => p === labels[r]).length);
    });
    peers.forEach((p) => {
      p.optimizer.dispose();
      p.tapped.dispose();
    });
  });

  it('leaves no tensors behind after a step', () => {
    const make = () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
      return {
        tapped: model,
        studentLayers: [],
        variables: modelVariables(model),
        weightDecay: 0.01,
        optimizer: createOptimizer({
          type: 'adam',
          lr: 0.01,
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-7,
          weightDecay: 0.01,
        }),
        terms: [squaredTerm('mutual', 1, true, (i) => i.teacherLogits as tf.Tensor)],
      } satisfies LivePeer;
    };
    const peers = [make(), make()];
    const dataset = { inputShape: [3], classes: 2 } as unknown as Dataset;
    const batch: Batch = {
      x: new Float32Array(6).fill(0.5),
      y: new Int32Array([0, 1]),
      indices: new Int32Array([0, 1]),
      size: 2,
    };
    peersStep(peers, batch, dataset, 1); // the optimizers create their slots
    const before = tf.memory().numTensors;
    peersStep(peers, batch, dataset, 1);
    assert.strictEqual(tf.memory().numTensors, before);
    peers.forEach((p) => {
      p.optimizer.dispose();
      p.tapped.dispose();
    });
  });
});
