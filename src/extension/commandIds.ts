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
  runSweep: 'distillationStudio.runSweep',
  stopSweep: 'distillationStudio.stopSweep',
  resumeSweep: 'distillationStudio.resumeSweep',
  renameRun: 'distillationStudio.renameRun',
  noteRun: 'distillationStudio.noteRun',
  filterRuns: 'distillationStudio.filterRuns',
  clearRunsFilter: 'distillationStudio.clearRunsFilter',
  sortRuns: 'distillationStudio.sortRuns',
  openExperimentFile: 'distillationStudio.openExperimentFile',
  runAgain: 'distillationStudio.runAgain',
  deleteExperimentRuns: 'distillationStudio.deleteExperimentRuns',
} as const;

/** True while the Runs view is filtered (shows Clear Filter). */
export const CONTEXT_RUNS_FILTERED = 'distillationStudio.runsFiltered';

/** True while at least one run is going or queued. */
export const CONTEXT_RUNS_ACTIVE = 'distillationStudio.runsActive';

export const VIEW_RUNS = 'distillationStudio.runs';
