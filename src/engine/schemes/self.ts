// Self-distillation: born-again generations (the default) or deep-to-shallow exits.
import type { RunContext } from '../run/context';
import type { SchemeResult } from './types';
import { bornAgain } from './bornAgain';
import { selfExits } from './exits';

export function selfDistill(ctx: RunContext): Promise<SchemeResult> {
  const mode = ctx.experiment.distill.selfMode ?? 'bornAgain';
  switch (mode) {
    case 'bornAgain':
      return bornAgain(ctx);
    case 'exits':
      return selfExits(ctx);
    default:
      throw new Error(`distill.selfMode "${String(mode)}" is unknown; expected "bornAgain" or "exits"`);
  }
}
