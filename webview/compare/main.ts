// The run comparison's entry point: announces `ready`, renders the view model the host pushes and
// folds the live updates that follow (changed runs, recomputed groups) into it, batched per
// animation frame; keeps the user's choices with setState so a reload restores them.
import type {
  CompareCommand,
  CompareNotification,
  CompareViewModel,
  CompareWebviewState,
} from '../../src/protocol/webview';
import baseCss from '../shared/base.css';
import compareCss from './compare.css';
import { adoptStyles } from '../shared/styles';
import { onThemeChange } from '../shared/theme';
import { ExportRequests } from '../shared/exports';
import { onHostMessage, vscodeApi } from '../shared/vscodeApi';
import { CompareView } from './view';

adoptStyles(baseCss, compareCss);
const api = vscodeApi<CompareWebviewState, CompareCommand>();
const exportRequests = new ExportRequests();
let state: CompareWebviewState = api.getState() ?? { runDirs: [] };
let view: CompareViewModel = {
  title: 'Run comparison',
  runs: [],
  groups: [],
  configKeys: { differing: [], swept: [], equal: {} },
};
let frameQueued = false;

const compare = new CompareView({
  state: () => state,
  setState(patch) {
    state = { ...state, ...patch };
    api.setState(state);
  },
  openRun: (runDir) => api.postMessage({ type: 'openRun', runDir }),
  editMeta: (runDir, field) => api.postMessage({ type: 'editMeta', runDir, field }),
  requestDiff: (a, b) => api.postMessage({ type: 'diff', a, b }),
  exportFile: (format, fileName, data) => api.postMessage(exportRequests.request(format, fileName, data)),
});
(document.getElementById('app') ?? document.body).append(compare.element);

function schedule(): void {
  if (frameQueued) return;
  frameQueued = true;
  requestAnimationFrame(() => {
    frameQueued = false;
    const began = performance.now();
    compare.update(view);
    // How long the render took (read by the benchmark), and a count tests can wait on.
    document.body.dataset.renderMs = (performance.now() - began).toFixed(2);
    document.body.dataset.renders = String(Number(document.body.dataset.renders ?? 0) + 1);
  });
}

onHostMessage<CompareNotification>((message) => {
  switch (message.type) {
    case 'compare/view': {
      view = message.view;
      // A sweep newly opened here shows its settings (runs grouped by seed), whatever the last source's choice was.
      const opened = JSON.stringify(view.source) !== JSON.stringify(state.source);
      const sweep = view.source !== undefined && 'sweepId' in view.source;
      state = {
        ...state,
        runDirs: view.runs.map((r) => r.runDir),
        source: view.source,
        ...(opened && sweep ? { grouped: true } : {}),
      };
      api.setState(state);
      schedule();
      break;
    }
    case 'compare/update': {
      const runs = view.runs.slice();
      const at = new Map(runs.map((r, i) => [r.runDir, i]));
      for (const run of message.runs) {
        const i = at.get(run.runDir);
        if (i === undefined) runs.push(run);
        else runs[i] = run;
      }
      view = { ...view, runs, groups: message.groups, configKeys: message.configKeys };
      schedule();
      break;
    }
    case 'compare/diff':
      compare.setDiff(message.diff);
      break;
    case 'export/result':
      exportRequests.settle(message);
      break;
  }
});

onThemeChange(() => compare.retheme());
compare.update(view);
api.postMessage({ type: 'ready' });
