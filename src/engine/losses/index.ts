// Distillation losses: the registry the trainer uses, and each method's functional form.
export type { LossContext, LossInputs, LossTerm } from './types';
export { createLossTerm, createLossTerms, lossNeedsTeacher, tappedLayers, LOSS_TYPES } from './registry';
export { ceLoss } from './ce';
export { kdLoss } from './kd';
export { reverseKlLoss } from './reverseKl';
export { jsdLoss } from './jsd';
export { tvdLoss } from './tvd';
export { cosineLoss } from './cosine';
export { dkdLoss, dkdParts, dkdWarmupFactor, type DkdParts } from './dkd';
export { hintLoss, type Regressor } from './hint';
export { atLoss, attentionMap } from './at';
export { nstLoss } from './nst';
export { rkdLoss, rkdDistanceLoss, rkdAngleLoss, normalizedDistances, angles } from './rkd';
export { spLoss, similarityMatrix } from './sp';
export { ccLoss, correlationMatrix, CC_GAMMA, CC_ORDER } from './cc';
export { pktLoss, conditionalProbabilities, PKT_EPS } from './pkt';
export { fspLoss, fspMatrix } from './fsp';
