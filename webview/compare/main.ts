// The run comparison's entry point: announces `ready`, renders the view model the host pushes and
// the run updates that follow (batched per animation frame), and keeps its sort order with setState.
import type {
  CompareCommand,
  CompareNotification,
  CompareViewModel,
  CompareWebviewState,
} from '../../src/protocol/webview';
import uplotCss from 'uplot/dist/uPlot.min.css';
import baseCss from '../shared/base.css';
import compareCss from './compare.css';
import '../shared/elements';
import { adoptStyles } from '../shared/styles';
import { onThemeChange } from '../shared/theme';
import { ExportRequests } from '../shared/exports';
import { onHostMessage, vscodeApi } from '../shared/vscodeApi';
import { CompareView } from './view';

adoptStyles(uplotCss, baseCss, compareCss);
const api = vscodeApi<CompareWebviewState, CompareCommand>();
const exportRequests = new ExportRequests();
let state: CompareWebviewState = api.getState() ?? { runDirs: [] };
let view: CompareViewModel = { title: 'Run comparison', runs: [] };
let frameQueued = false;

const compare = new CompareView({
  state: () => state,
  setState(patch) {
    state = { ...state, ...patch };
    api.setState(state);
  },
  openRun: (runDir) => api.postMessage({ type: 'openRun', runDir }),
  exportFile: (format, fileName, data) => api.postMessage(exportRequests.request(format, fileName, data)),
});
(document.getElementById('app') ?? document.body).append(compare.element);

function schedule(): void {
  if (frameQueued) return;
  frameQueued = true;
  requestAnimationFrame(() => {
    frameQueued = false;
    compare.update(view);
    document.body.dataset.rendered = String(view.runs.length);
  });
}

onHostMessage<CompareNotification>((message) => {
  switch (message.type) {
    case 'compare/view':
      view = message.view;
      state = { ...state, runDirs: view.runs.map((r) => r.runDir) };
      api.setState(state);
      schedule();
      break;
    case 'compare/run': {
      const runs = view.runs.slice();
      const at = runs.findIndex((r) => r.runDir === message.run.runDir);
      if (at >= 0) runs[at] = message.run;
      else runs.push(message.run);
      view = { ...view, runs };
      schedule();
      break;
    }
    case 'export/result':
      exportRequests.settle(message);
      break;
  }
});

onThemeChange(() => compare.retheme());
compare.update(view);
api.postMessage({ type: 'ready' });
