// Experiment files (`*.kd.json`): loading, validation with positions, and cell ranges.
export { loadExperimentFile, validateExperimentFile, validateExperimentText } from './load';
export { analyseExperimentText, fileStem, type Analysis, type AnalyseOptions, type ExperimentCheck } from './analyse';
export { cellRanges, type CellRange } from './cells';
export { ExperimentError, formatProblem, formatProblems, hasErrors, type Problem } from './problems';
export { DEFAULTS } from './defaults';
export { kdSchema } from './schemaDocument';
export * from './types';
