// Independent float64 implementations of each paper's formula, written the direct way (explicit
// loops, difference vectors, probabilities rather than log-sum-exps), for checking the TF.js losses.
import type { Arr } from './numeric';
import { rows } from './numeric';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const dot = (a: number[], b: number[]) => sum(a.map((v, i) => v * b[i]));
const norm = (a: number[]) => Math.sqrt(dot(a, a));

export function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = sum(e);
  return e.map((v) => v / s);
}

function kl(p: number[], q: number[]): number {
  return sum(p.map((pi, i) => (pi > 0 ? pi * Math.log(pi / q[i]) : 0)));
}

export function ceRef(logits: Arr, labels: Arr, smoothing = 0): number {
  const y = rows(labels);
  return mean(
    rows(logits).map((z, b) => {
      const p = softmax(z);
      return -sum(p.map((pi, k) => ((1 - smoothing) * y[b][k] + smoothing / z.length) * Math.log(pi)));
    }),
  );
}

export function kdRef(student: Arr, teacher: Arr, T: number, scale: boolean): number {
  const t = rows(teacher);
  const value = mean(rows(student).map((s, b) => kl(softmax(t[b].map((v) => v / T)), softmax(s.map((v) => v / T)))));
  return scale ? value * T * T : value;
}

/** DKD as in the paper: binary (target, rest) probabilities, and a softmax over the non-target classes only. */
export function dkdRef(
  student: Arr,
  teacher: Arr,
  labels: Arr,
  alpha: number,
  beta: number,
  T: number,
): { tckd: number; nckd: number; total: number } {
  const s = rows(student);
  const t = rows(teacher);
  const y = rows(labels);
  let tckd = 0;
  let nckd = 0;
  s.forEach((zs, b) => {
    const gt = y[b].indexOf(Math.max(...y[b]));
    const ps = softmax(zs.map((v) => v / T));
    const pt = softmax(t[b].map((v) => v / T));
    tckd += kl([pt[gt], 1 - pt[gt]], [ps[gt], 1 - ps[gt]]);
    const others = (z: number[]) => softmax(z.filter((_, k) => k !== gt).map((v) => v / T));
    nckd += kl(others(t[b]), others(zs));
  });
  tckd = (tckd * T * T) / s.length;
  nckd = (nckd * T * T) / s.length;
  return { tckd, nckd, total: alpha * tckd + beta * nckd };
}

/** PyTorch's adaptive_avg_pool2d on an NHWC array. */
export function adaptivePoolRef(x: Arr, height: number, width: number): Arr {
  const [n, h, w, c] = x.shape;
  const data: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < height; i++)
      for (let j = 0; j < width; j++)
        for (let k = 0; k < c; k++) {
          const h0 = Math.floor((i * h) / height);
          const h1 = Math.ceil(((i + 1) * h) / height);
          const w0 = Math.floor((j * w) / width);
          const w1 = Math.ceil(((j + 1) * w) / width);
          let total = 0;
          for (let p = h0; p < h1; p++) for (let q = w0; q < w1; q++) total += x.data[((b * h + p) * w + q) * c + k];
          data.push(total / ((h1 - h0) * (w1 - w0)));
        }
  return { shape: [n, height, width, c], data };
}

function matchRef(a: Arr, b: Arr): [Arr, Arr] {
  const height = Math.min(a.shape[1], b.shape[1]);
  const width = Math.min(a.shape[2], b.shape[2]);
  return [adaptivePoolRef(a, height, width), adaptivePoolRef(b, height, width)];
}

/** 1×1 convolution / dense layer on the last axis: y = x·W + bias, W given as [in][out]. */
export function linearRef(x: Arr, kernel: number[][], bias: number[]): Arr {
  const inputs = kernel.length;
  const outputs = bias.length;
  const data: number[] = [];
  for (let r = 0; r < x.data.length / inputs; r++)
    for (let o = 0; o < outputs; o++) {
      let v = bias[o];
      for (let i = 0; i < inputs; i++) v += x.data[r * inputs + i] * kernel[i][o];
      data.push(v);
    }
  return { shape: [...x.shape.slice(0, -1), outputs], data };
}

export function hintRef(student: Arr, teacher: Arr, kernel?: number[][], bias?: number[]): number {
  // eslint-disable-next-line prefer-const -- s is reassigned below, t is not
  let [s, t] =
    student.shape.length === 4 && teacher.shape.length === 4 ? matchRef(student, teacher) : [student, teacher];
  if (kernel && bias) s = linearRef(s, kernel, bias);
  return mean(s.data.map((v, i) => (v - t.data[i]) ** 2));
}

/** Attention map per example: mean over channels of |F|^p at each position, then divided by its L2 norm. */
export function attentionRef(x: Arr, p: number): number[][] {
  const [n, h, w, c] = x.shape;
  const maps: number[][] = [];
  for (let b = 0; b < n; b++) {
    const q: number[] = [];
    for (let pos = 0; pos < h * w; pos++) {
      let total = 0;
      for (let k = 0; k < c; k++) total += Math.abs(x.data[(b * h * w + pos) * c + k]) ** p;
      q.push(total / c);
    }
    const length = norm(q);
    maps.push(q.map((v) => v / length));
  }
  return maps;
}

export function atRef(student: Arr, teacher: Arr, p: number): number {
  const [s, t] = matchRef(student, teacher);
  const qs = attentionRef(s, p);
  const qt = attentionRef(t, p);
  return mean(qs.flatMap((row, b) => row.map((v, i) => (v - qt[b][i]) ** 2)));
}

/** Channel maps of one example, each L2-normalised: [c][h·w]. */
function channelMapsRef(x: Arr, b: number): number[][] {
  const [, h, w, c] = x.shape;
  const maps: number[][] = [];
  for (let k = 0; k < c; k++) {
    const m: number[] = [];
    for (let pos = 0; pos < h * w; pos++) m.push(x.data[(b * h * w + pos) * c + k]);
    const length = norm(m);
    maps.push(m.map((v) => v / length));
  }
  return maps;
}

/** MMD² with k(x, y) = (xᵀy)² between the channel sets, per example, averaged over the batch. */
export function nstRef(student: Arr, teacher: Arr): number {
  const [s, t] = matchRef(student, teacher);
  const k = (a: number[], b: number[]) => dot(a, b) ** 2;
  const meanK = (as: number[][], bs: number[][]) => mean(as.flatMap((a) => bs.map((b) => k(a, b))));
  const values: number[] = [];
  for (let b = 0; b < s.shape[0]; b++) {
    const fs = channelMapsRef(s, b);
    const ft = channelMapsRef(t, b);
    values.push(meanK(ft, ft) + meanK(fs, fs) - 2 * meanK(fs, ft));
  }
  return mean(values);
}

const huber = (d: number) => (Math.abs(d) < 1 ? 0.5 * d * d : Math.abs(d) - 0.5);
const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]);

function distancesRef(e: number[][]): number[][] {
  const d = e.map((a) => e.map((b) => norm(sub(a, b))));
  const mu = sum(d.flatMap((row, i) => row.filter((_, j) => j !== i))) / (e.length * (e.length - 1));
  return d.map((row) => row.map((v) => v / mu));
}

/** Angle at a between b and c, from the normalised difference vectors; 0 when b = a or c = a. */
function anglesRef(e: number[][]): number[] {
  const out: number[] = [];
  for (let a = 0; a < e.length; a++)
    for (let b = 0; b < e.length; b++)
      for (let c = 0; c < e.length; c++) {
        if (b === a || c === a) {
          out.push(0);
          continue;
        }
        // F.normalize: a zero difference (a repeated example) stays a zero vector.
        const u = sub(e[b], e[a]);
        const v = sub(e[c], e[a]);
        out.push(dot(u, v) / (Math.max(norm(u), 1e-12) * Math.max(norm(v), 1e-12)));
      }
  return out;
}

export function rkdDistanceRef(student: Arr, teacher: Arr): number {
  const ds = distancesRef(rows(student)).flat();
  const dt = distancesRef(rows(teacher)).flat();
  return mean(ds.map((v, i) => huber(v - dt[i])));
}

export function rkdAngleRef(student: Arr, teacher: Arr): number {
  const as = anglesRef(rows(student));
  const at = anglesRef(rows(teacher));
  return mean(as.map((v, i) => huber(v - at[i])));
}

function similarityRef(f: number[][]): number[][] {
  return f.map((a) => {
    const row = f.map((b) => dot(a, b));
    const length = norm(row);
    return row.map((v) => v / length);
  });
}

export function spRef(student: Arr, teacher: Arr): number {
  const gs = similarityRef(rows(student));
  const gt = similarityRef(rows(teacher));
  const b = gs.length;
  return sum(gs.flatMap((row, i) => row.map((v, j) => (gt[i][j] - v) ** 2))) / (b * b);
}

/** exp(−2γ)·Σ_{p=0..P} (2γ)^p/p!·(f_iᵀf_j)^p on unit-length embeddings. */
export function correlationRef(f: number[][], gamma: number, order: number): number[][] {
  const unit = f.map((a) => a.map((v) => v / norm(a)));
  let factorial = 1;
  const coefficients: number[] = [];
  for (let p = 0; p <= order; p++) {
    if (p > 0) factorial *= p;
    coefficients.push((2 * gamma) ** p / factorial);
  }
  return unit.map((a) => unit.map((b) => Math.exp(-2 * gamma) * sum(coefficients.map((c, p) => c * dot(a, b) ** p))));
}

export function ccRef(student: Arr, teacher: Arr, gamma = 0.4, order = 2): number {
  const cs = correlationRef(rows(student), gamma, order);
  const ct = correlationRef(rows(teacher), gamma, order);
  const b = cs.length;
  return sum(cs.flatMap((row, i) => row.map((v, j) => (ct[i][j] - v) ** 2))) / (b * b);
}

function pktProbabilitiesRef(f: number[][], eps: number): number[][] {
  const unit = f.map((a) => a.map((v) => v / (norm(a) + eps)));
  const k = unit.map((a) => unit.map((b) => (dot(a, b) + 1) / 2));
  return k.map((row) => row.map((v) => v / sum(row)));
}

export function pktRef(student: Arr, teacher: Arr, eps = 1e-7): number {
  const ps = pktProbabilitiesRef(rows(student), eps);
  const pt = pktProbabilitiesRef(rows(teacher), eps);
  return mean(pt.flatMap((row, i) => row.map((v, j) => v * Math.log((v + eps) / (ps[i][j] + eps)))));
}

/** G[b][i][j] = Σ_positions F1[·, i]·F2[·, j] / (h·w), after pooling to the smaller size. */
export function fspMatrixRef(first: Arr, second: Arr): number[][][] {
  const [a, b] = matchRef(first, second);
  const [n, h, w, c1] = a.shape;
  const c2 = b.shape[3];
  const out: number[][][] = [];
  for (let e = 0; e < n; e++) {
    const g: number[][] = [];
    for (let i = 0; i < c1; i++) {
      const row: number[] = [];
      for (let j = 0; j < c2; j++) {
        let total = 0;
        for (let pos = 0; pos < h * w; pos++)
          total += a.data[(e * h * w + pos) * c1 + i] * b.data[(e * h * w + pos) * c2 + j];
        row.push(total / (h * w));
      }
      g.push(row);
    }
    out.push(g);
  }
  return out;
}

export function fspRef(student: [Arr, Arr], teacher: [Arr, Arr]): number {
  const gs = fspMatrixRef(student[0], student[1]).flat(2);
  const gt = fspMatrixRef(teacher[0], teacher[1]).flat(2);
  return mean(gs.map((v, i) => (v - gt[i]) ** 2));
}

/** Reverse KL: KL(softmax(s/T) ‖ softmax(t/T)), batch mean, × T² when scaled. */
export function reverseKlRef(student: Arr, teacher: Arr, T: number, scale: boolean): number {
  const t = rows(teacher);
  const value = mean(rows(student).map((s, b) => kl(softmax(s.map((v) => v / T)), softmax(t[b].map((v) => v / T)))));
  return scale ? value * T * T : value;
}

/** GKD's generalised JSD written from probabilities: M = β·P + (1−β)·Q; endpoints as TRL (forward / reverse KL). */
export function jsdRef(student: Arr, teacher: Arr, beta: number, T: number, scale: boolean): number {
  const t = rows(teacher);
  const value = mean(
    rows(student).map((s, b) => {
      const q = softmax(s.map((v) => v / T));
      const p = softmax(t[b].map((v) => v / T));
      if (beta === 0) return kl(p, q);
      if (beta === 1) return kl(q, p);
      const m = p.map((pi, k) => beta * pi + (1 - beta) * q[k]);
      return beta * kl(p, m) + (1 - beta) * kl(q, m);
    }),
  );
  return scale ? value * T * T : value;
}

/** Total variation ½·Σ|P − Q|, batch mean, × T² when scaled. */
export function tvdRef(student: Arr, teacher: Arr, T: number, scale: boolean): number {
  const t = rows(teacher);
  const value = mean(
    rows(student).map((s, b) => {
      const q = softmax(s.map((v) => v / T));
      const p = softmax(t[b].map((v) => v / T));
      return 0.5 * sum(p.map((pi, k) => Math.abs(pi - q[k])));
    }),
  );
  return scale ? value * T * T : value;
}

/** DistilBERT's cosine embedding loss: mean of 1 − cos over last-axis vectors, over real tokens when a mask is given. */
export function cosineRef(student: Arr, teacher: Arr, mask?: number[]): number {
  const width = student.shape[student.shape.length - 1];
  const vectors = student.data.length / width;
  let total = 0;
  let count = 0;
  for (let v = 0; v < vectors; v++) {
    if (mask && mask[v] === 0) continue;
    const s = student.data.slice(v * width, (v + 1) * width);
    const t = teacher.data.slice(v * width, (v + 1) * width);
    total += 1 - dot(s, t) / (norm(s) * norm(t));
    count++;
  }
  return total / count;
}
