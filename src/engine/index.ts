// The engine as a library: load an experiment, run it, read the run store. No VS Code here.
export * from './config';
export { runExperiment, experimentOfRun, type RunOptions, type RunResult } from './run/runExperiment';
export { describeExperiment } from './run/describe';
export * from './store/runStore';
export { selectBackend, type BackendChoice } from './backend/select';
export * from '../protocol/events';
