// The text layers of a hand-written layer list: the same serialisable layers the `transformer` and
// `bilstm` presets use (embedding, encoder block with its tappable attention, pooling) and TF.js's
// recurrent layers, wired to the token ids the model reads (padding = id 0).
import * as tf from '@tensorflow/tfjs';
import type { SequenceLayerSpec } from '../config/types';
import type { GraphBuilder, SymbolicTensor } from './graph';
import { AttentionMaps } from './sequence/attentionMaps';
import { SequencePooling } from './sequence/sequencePooling';
import { TokenEmbedding } from './sequence/tokenEmbedding';
import { TransformerBlock } from './sequence/transformerBlock';
import type { BuildContext } from './types';

export const SEQUENCE_LAYER_TYPES: ReadonlySet<string> = new Set([
  'embedding',
  'transformerBlock',
  'lstm',
  'gru',
  'sequencePooling',
]);

function apply(layer: tf.layers.Layer, x: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** Adds one text layer named `name` after `x`; the token ids are the model's input. */
export function addSequenceLayer(
  g: GraphBuilder,
  x: SymbolicTensor,
  spec: SequenceLayerSpec,
  name: string,
  ctx: BuildContext,
): SymbolicTensor {
  const rank = x.shape.length;
  const needs = (expected: number, what: string) => {
    if (rank !== expected)
      throw new Error(`layer "${name}" (${spec.type}) needs ${what}, but its input has shape [${x.shape.join(', ')}]`);
  };
  switch (spec.type) {
    case 'embedding': {
      if (x !== g.input || ctx.inputShape.length !== 1 || ctx.vocabSize === undefined)
        throw new Error(`layer "${name}" (embedding) reads token ids: it must be the first layer, on a "text" dataset`);
      return apply(
        new TokenEmbedding({
          name,
          vocabSize: ctx.vocabSize,
          dModel: positive(spec.dModel, `${name} dModel`),
          maxLength: ctx.inputShape[0],
          positions: spec.positions ?? true,
          seed: g.nextSeed(),
        }),
        g.input,
      );
    }
    case 'transformerBlock': {
      needs(3, 'hidden states [batch, length, width] (after an embedding)');
      const heads = positive(spec.heads, `${name} heads`);
      const attention = apply(
        new AttentionMaps({ name: g.names.fixed(`${name}_attention`), heads, seed: g.nextSeed() }),
        [x, g.input],
      );
      const dropout = spec.dropout ?? 0.1;
      if (!(dropout >= 0 && dropout < 1)) throw new Error(`${name}: dropout must be in [0, 1), got ${dropout}`);
      return apply(
        new TransformerBlock({ name, heads, ffn: positive(spec.ffn, `${name} ffn`), dropout, seed: g.nextSeed() }),
        [x, attention],
      );
    }
    case 'lstm':
    case 'gru': {
      needs(3, 'a sequence [batch, length, width] (after an embedding)');
      const args = {
        units: positive(spec.units, `${name} units`),
        returnSequences: spec.returnSequences ?? false,
        kernelInitializer: g.kernelInit(),
        recurrentInitializer: tf.initializers.orthogonal({ seed: g.nextSeed() }),
      };
      if (!spec.bidirectional)
        return apply(spec.type === 'gru' ? tf.layers.gru({ ...args, name }) : tf.layers.lstm({ ...args, name }), x);
      const cell = spec.type === 'gru' ? tf.layers.gru(args) : tf.layers.lstm(args);
      return apply(tf.layers.bidirectional({ name, layer: cell as tf.RNN, mergeMode: 'concat' }), x);
    }
    case 'sequencePooling':
      needs(3, 'hidden states [batch, length, width]');
      return apply(new SequencePooling({ name, mode: spec.mode ?? 'cls' }), [x, g.input]);
  }
}

/** The default name of a text layer: `embedding`, `block_<n>` for encoder blocks (what the layer mapping counts), else `<type>_<n>`. */
export function sequenceLayerName(g: GraphBuilder, type: SequenceLayerSpec['type']): string {
  if (type === 'embedding') return g.names.fixed('embedding');
  if (type === 'transformerBlock') {
    for (let n = 1; ; n += 1)
      if (g.names.isFree(`block_${n}`) && g.names.isFree(`block_${n}_attention`)) return g.names.claim(`block_${n}`);
  }
  return g.names.next(type);
}
