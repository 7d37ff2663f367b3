// Model building, saving and loading, logits recovery, tapping and measurement.
export type { BuildContext, BuiltModel } from './types';
export { buildModel, type BuildableSpec } from './build';
export { saveModel, loadModel, MODEL_JSON, WEIGHTS_BIN } from './io';
export { normalizeKerasTopology } from './kerasCompat';
export { ensureLogits, endsWithSoftmax } from './logits';
export { tapModel } from './tap';
export { summarizeModel, layerMacs } from './summary';
export { measureLatencies, measureLatencyMs, significantRatio, type Latency } from './latency';
export { copyWeights, cloneModel } from './weights';
