// The text presets: a BERT-style encoder (`transformer`) and the BiLSTM student of Tang et al. 2019
// (`bilstm`). Both read token ids (id 0 = padding) and name their layers so loss terms and the
// layer-mapped initialisation can find them: embedding, block_i_attention / block_i, pool, logits.
import * as tf from '@tensorflow/tfjs';
import type { BiLstmPreset, TransformerPreset } from '../config/types';
import { GraphBuilder, tappableLayers, type SymbolicTensor } from './graph';
import { AttentionMaps } from './sequence/attentionMaps';
import { SequencePooling } from './sequence/sequencePooling';
import { TokenEmbedding } from './sequence/tokenEmbedding';
import { TransformerBlock } from './sequence/transformerBlock';
import type { BuildContext, BuiltModel } from './types';

function sequenceInput(ctx: BuildContext, preset: string): { length: number; vocabSize: number } {
  if (ctx.inputShape.length !== 1 || ctx.vocabSize === undefined) {
    throw new Error(
      `preset "${preset}" reads token ids: use a "text" dataset (the data has shape [${ctx.inputShape.join(', ')}]${ctx.vocabSize === undefined ? ' and no vocabulary' : ''})`,
    );
  }
  return { length: ctx.inputShape[0], vocabSize: ctx.vocabSize };
}

function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got ${n}`);
  return n;
}

function apply(layer: tf.layers.Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

/** The name of block i (1-based), the name `cosine`, `hint` and the layer mapping use. */
export function blockName(i: number): string {
  return `block_${i}`;
}

/** The name of block i's attention probabilities [heads, L, L], the name `attention` taps. */
export function attentionName(i: number): string {
  return `block_${i}_attention`;
}

/**
 * transformer: embedding (tokens + learned positions) → block_1 … block_N (each after its
 * block_i_attention) → pool ([CLS] or masked mean) → logits. Post-LN blocks with GELU, as BERT.
 */
export function buildTransformer(spec: TransformerPreset, ctx: BuildContext): BuiltModel {
  const { length, vocabSize } = sequenceInput(ctx, 'transformer');
  const layers = positive(spec.layers, 'transformer layers');
  const dModel = positive(spec.dModel, 'transformer dModel');
  const heads = positive(spec.heads, 'transformer heads');
  const ffn = positive(spec.ffn, 'transformer ffn');
  if (dModel % heads !== 0) throw new Error(`transformer: dModel (${dModel}) must be a multiple of heads (${heads})`);
  const dropout = spec.dropout ?? 0.1;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`transformer: dropout must be in [0, 1), got ${dropout}`);
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  const seed = (i: number) => ctx.seed * 7919 + i * 104729;
  let x = apply(
    new TokenEmbedding({ name: 'embedding', vocabSize, dModel, maxLength: length, positions: true, seed: seed(0) }),
    g.input,
  );
  for (let i = 1; i <= layers; i++) {
    const attention = apply(new AttentionMaps({ name: attentionName(i), heads, seed: seed(2 * i) }), [x, g.input]);
    x = apply(new TransformerBlock({ name: blockName(i), heads, ffn, dropout, seed: seed(2 * i + 1) }), [x, attention]);
  }
  const pooled = apply(new SequencePooling({ name: 'pool', mode: spec.pooling ?? 'cls' }), [x, g.input]);
  const model = g.model(g.dense(pooled, 'logits', ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}

/**
 * bilstm (Tang et al. 2019, "Distilling Task-Specific Knowledge from BERT into Simple Neural
 * Networks"): embedding → bidirectional LSTM whose last states of both directions are concatenated
 * (padding skipped through the embedding's mask) → fc (ReLU) → logits.
 */
export function buildBiLstm(spec: BiLstmPreset, ctx: BuildContext): BuiltModel {
  const { length, vocabSize } = sequenceInput(ctx, 'bilstm');
  const units = positive(spec.units, 'bilstm units');
  const dModel = positive(spec.embedding ?? 64, 'bilstm embedding');
  const hidden = positive(spec.hidden ?? 2 * units, 'bilstm hidden');
  const g = new GraphBuilder(ctx.inputShape, ctx.seed);
  const x = apply(
    new TokenEmbedding({ name: 'embedding', vocabSize, dModel, maxLength: length, positions: false, seed: ctx.seed }),
    g.input,
  );
  const cellArgs = {
    units,
    kernelInitializer: g.kernelInit(),
    recurrentInitializer: tf.initializers.orthogonal({ seed: ctx.seed + 1 }),
  };
  const cell = spec.cell === 'gru' ? tf.layers.gru(cellArgs) : tf.layers.lstm(cellArgs);
  const encoded = apply(tf.layers.bidirectional({ name: 'bilstm', layer: cell as tf.RNN, mergeMode: 'concat' }), x);
  const fc = g.dense(encoded, 'fc', hidden, 'relu');
  const model = g.model(g.dense(fc, 'logits', ctx.classes), ctx.name);
  return { model, tappable: tappableLayers(model) };
}
