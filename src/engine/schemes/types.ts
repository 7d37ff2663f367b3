import type { RunContext } from '../run/context';

/** What a scheme reports when it is done: the stage whose model is the run's product, and its teacher. */
export interface SchemeResult {
  product: string;
  /** The stage whose model taught the product directly, if any. */
  teacher?: string;
  /**
   * The model the product is measured against (agreement, KL, compression, speed-up) when it is not
   * `teacher` alone: the original teacher of an assistant chain, or a weighted ensemble of teachers
   * (its logits are Σ wᵢ·logitsᵢ, as the student was taught). Its stages must be in `live`.
   */
  reference?: { stages: string[]; weights: number[]; label: string };
  /** The baseline stage (the product's architecture trained alone), if any. */
  baseline?: string;
  /** Live models by stage, for the final comparisons; the orchestrator disposes them. */
  live: Record<string, import('@tensorflow/tfjs').LayersModel>;
}

export type Scheme = (ctx: RunContext) => Promise<SchemeResult>;
