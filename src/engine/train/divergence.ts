// The divergence guard: a loss that is no longer finite, or that has grown by orders of magnitude
// over the stage's first step (Adam at a learning rate of 1e6 reaches 1e14), stops the stage with
// advice, instead of a run that ends "done" with a useless model.

/** How many times the first step's loss a loss may reach before the stage counts as diverged. */
export const DIVERGENCE_FACTOR = 1e4;
/** Losses below this are never called diverged (a first loss near 0 would make any blip look huge). */
const FLOOR = 1;

export function checkDivergence(
  stage: string,
  firstLoss: number,
  loss: number,
  epoch: number,
  step: number,
  lr: number,
): void {
  if (!Number.isFinite(loss)) {
    throw new Error(
      `stage "${stage}": the loss became ${loss} at epoch ${epoch}, step ${step}; lower the learning rate (now ${lr}) or check the loss weights`,
    );
  }
  const limit = DIVERGENCE_FACTOR * Math.max(Math.abs(firstLoss), FLOOR);
  if (Math.abs(loss) > limit) {
    throw new Error(
      `stage "${stage}": training diverged: the loss grew from ${firstLoss.toPrecision(3)} at the first step to ${loss.toPrecision(3)} at epoch ${epoch}, step ${step} (more than ${DIVERGENCE_FACTOR.toLocaleString('en-US')}×); lower the learning rate (now ${lr})`,
    );
  }
}
