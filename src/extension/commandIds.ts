// Command and context-key identifiers, as contributed in package.json.
export const COMMANDS = {
  start: 'distillationStudio.start',
  runAll: 'distillationStudio.runAll',
  stop: 'distillationStudio.stop',
  resume: 'distillationStudio.resume',
  showPanel: 'distillationStudio.showPanel',
  compareRuns: 'distillationStudio.compareRuns',
  newExperiment: 'distillationStudio.newExperiment',
  validate: 'distillationStudio.validate',
  openRunFolder: 'distillationStudio.openRunFolder',
  deleteRun: 'distillationStudio.deleteRun',
  refreshRuns: 'distillationStudio.refreshRuns',
  showLog: 'distillationStudio.showLog',
  renameRun: 'distillationStudio.renameRun',
  noteRun: 'distillationStudio.noteRun',
} as const;

/** True while at least one run is going or queued. */
export const CONTEXT_RUNS_ACTIVE = 'distillationStudio.runsActive';

export const VIEW_RUNS = 'distillationStudio.runs';
