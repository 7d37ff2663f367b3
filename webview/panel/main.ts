// The experiment panel's entry point: announces `ready`, takes the view model the host pushes,
// folds the run events that follow into it once per animation frame, and renders the header,
// statistics, charts, diagrams and log. View choices persist with setState.
import type { RunEvent } from '../../src/protocol/events';
import type {
  PanelCommand,
  PanelNotification,
  PanelUiState,
  PanelViewModel,
  PanelWebviewState,
} from '../../src/protocol/webview';
import uplotCss from 'uplot/dist/uPlot.min.css';
import baseCss from '../shared/base.css';
import panelCss from './panel.css';
import '../shared/elements';
import { h } from '../shared/dom';
import { adoptStyles } from '../shared/styles';
import { onThemeChange } from '../shared/theme';
import { ExportRequests } from '../shared/exports';
import { onHostMessage, vscodeApi } from '../shared/vscodeApi';
import { ChartsView } from './chartsView';
import { DiagramView } from './diagram';
import { HeaderView, LogView } from './headerView';
import { emptyView, reduceAll, withDescribe } from '../../src/shared/panel/model';
import { SamplesView } from './samplesView';
import { StatsView } from './statsView';

const DEFAULT_UI: PanelUiState = { smoothing: 0, sizeBy: 'params', expandedGroups: [], hiddenSeries: [] };

adoptStyles(uplotCss, baseCss, panelCss);
const api = vscodeApi<PanelWebviewState, PanelCommand>();
const exportRequests = new ExportRequests();
const saved = api.getState();
let ui: PanelUiState = { ...DEFAULT_UI, ...saved?.ui };
let view: PanelViewModel = emptyView(saved?.target);
let pending: RunEvent[] = [];
let applied = 0;
let views = 0;
let frameQueued = false;

function persist(): void {
  if (view.target) api.setState({ target: view.target, ui });
}

const uiHost = {
  ui: () => ui,
  setUi(patch: Partial<PanelUiState>): void {
    ui = { ...ui, ...patch };
    persist();
  },
};

const header = new HeaderView();
const stats = new StatsView();
const charts = new ChartsView({
  ...uiHost,
  exportFile: (format, fileName, data) => api.postMessage(exportRequests.request(format, fileName, data)),
});
const diagram = new DiagramView({
  ...uiHost,
  revealLayer: (stage, layer, index) => api.postMessage({ type: 'revealLayer', stage, layer, index }),
});
const log = new LogView();
const samples = new SamplesView();
const samplesSection = section('samples', 'Augmented samples', samples.element);

function section(id: string, heading: string, content: HTMLElement, open = true): HTMLElement {
  return h('vscode-collapsible', { heading, open, 'data-section': id }, h('div', { class: 'section-body' }, content));
}

const app = document.getElementById('app') ?? document.body;
app.append(
  header.element,
  section('stats', 'Capacity gap', stats.element),
  section('charts', 'Training', charts.element),
  section('architecture', 'Architecture', diagram.element),
  samplesSection,
  section('log', 'Log', log.element, false),
);

function render(): void {
  header.update(view);
  stats.update(view);
  charts.update(view);
  diagram.update(view);
  log.update(view);
  samplesSection.hidden = !samples.update(view);
  // Lets tests and the benchmark wait until what was sent is on screen: views received, events folded.
  const settled = `${views}:${applied}`;
  void diagram.ready.then(() => {
    document.body.dataset.settled = settled;
  });
}

function frame(): void {
  frameQueued = false;
  if (pending.length > 0) {
    view = reduceAll(view, pending);
    applied += pending.length;
    pending = [];
  }
  render();
}

function schedule(): void {
  if (frameQueued) return;
  frameQueued = true;
  requestAnimationFrame(frame);
}

onHostMessage<PanelNotification>((message) => {
  switch (message.type) {
    case 'panel/view':
      view = message.view;
      pending = [];
      applied = 0;
      views++;
      persist();
      schedule();
      break;
    case 'panel/events':
      pending.push(...message.events);
      schedule();
      break;
    case 'panel/describe':
      view = withDescribe(view, message.describe);
      schedule();
      break;
    case 'export/result':
      exportRequests.settle(message);
      break;
  }
});

onThemeChange(() => charts.retheme());
// The elapsed time of a running run moves on its own.
setInterval(() => {
  if (view.run?.status === 'running') header.update(view);
}, 1000);

render();
api.postMessage({ type: 'ready' });
