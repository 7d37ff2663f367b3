// The layer pairs of TinyBERT's layer losses (`attention`, `hidden`): either the one pair the spec
// names, or student block i ↔ teacher block f(i) of a layer mapping (uniform by default), read
// from the blocks the two models have.
import type { LayerMapping } from '../config/types';
import { blockCount, mapBlocks } from '../models/layerMapping';
import type { SchemaFragment } from './definition';
import type { LossContext } from './types';

export interface LayerNamePair {
  teacherLayer: string;
  studentLayer: string;
}

/** The schema of `mapping`, shared by the losses that map blocks. */
export const MAPPING_SCHEMA: SchemaFragment = {
  anyOf: [
    { type: 'string', enum: ['uniform'] },
    {
      type: 'array',
      minItems: 1,
      items: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
    },
  ],
  description:
    'Which teacher block each student block learns from: `"uniform"` (student block i ↔ teacher block ⌈i·N/M⌉ for M student and N teacher blocks, e.g. every second) or explicit `[studentBlock, teacherBlock]` pairs (1-based). Used when `teacherLayer`/`studentLayer` are not given; default `"uniform"`.',
};

/**
 * The pairs a spec asks for: its own teacherLayer/studentLayer when given (both or neither), else
 * the mapped blocks, each block's layer named by `layerOf(i)` (block_i, block_i_attention).
 */
export function mappedPairs(
  loss: string,
  ctx: LossContext,
  spec: { mapping?: LayerMapping; teacherLayer?: string; studentLayer?: string },
  layerOf: (block: number) => string,
): LayerNamePair[] {
  const named = [spec.teacherLayer, spec.studentLayer].filter((n) => n !== undefined).length;
  if (named === 1) throw new Error(`${loss}: give both teacherLayer and studentLayer, or neither (to use mapping)`);
  if (named === 2) {
    if (spec.mapping !== undefined)
      throw new Error(`${loss}: give either mapping or teacherLayer/studentLayer, not both`);
    return [{ teacherLayer: spec.teacherLayer as string, studentLayer: spec.studentLayer as string }];
  }
  const pairs = mapBlocks(
    loss,
    spec.mapping ?? 'uniform',
    blockCount(Object.keys(ctx.studentShapes)),
    blockCount(Object.keys(ctx.teacherShapes)),
  );
  return pairs.map((p) => ({ teacherLayer: layerOf(p.teacher), studentLayer: layerOf(p.student) }));
}
