import type { RunContext } from '../run/context';

/** What a scheme reports when it is done: the stage whose model is the run's product, and its teacher. */
export interface SchemeResult {
  product: string;
  /** The stage whose model taught the product (for agreement and KL), if any. */
  teacher?: string;
  /** The baseline stage (the product's architecture trained alone), if any. */
  baseline?: string;
  /** Live models by stage, for the final comparisons; the orchestrator disposes them. */
  live: Record<string, import('@tensorflow/tfjs').LayersModel>;
}

export type Scheme = (ctx: RunContext) => Promise<SchemeResult>;
