// The architecture diagrams: the models side by side (teacher first, then assistants, the student
// with the stages sharing its architecture, peers), each laid out by elkjs as a layered graph, one
// focusable block per layer sized by its share of parameters or MACs, collapsible groups for
// repeated blocks, and dashed links between the layers a feature or relation loss matches, labelled
// with the loss and its adapter.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { LayerSummary, ModelSummary, StageRole } from '../../src/protocol/events';
import type { LayerLink, PanelUiState, PanelViewModel, SizeMetric } from '../../src/protocol/webview';
import { clear, h, svg } from '../shared/dom';
import { formatCount, formatExact, formatPercent, formatShape } from '../../src/shared/format';
import { diagramGraph, GROUP_HEADER, type DiagramGraph, type DiagramItem } from './graph';
import { layerGroups } from '../../src/shared/panel/groups';
import { roleOfStage } from '../../src/shared/stages';

export interface DiagramHost {
  ui(): PanelUiState;
  setUi(patch: Partial<PanelUiState>): void;
  revealLayer(stage: string, layer: string, index: number): void;
}

/** One drawn architecture and the stages that use it. */
export interface ModelColumn {
  /** The key in the view's `models`. */
  model: string;
  stages: string[];
  role: StageRole;
  summary: ModelSummary;
}

const ROLE_RANK: Record<StageRole, number> = {
  teacher: 0,
  assistant: 1,
  student: 2,
  peer: 3,
  generation: 3,
  baseline: 4,
};

function architectureKey(summary: ModelSummary): string {
  return JSON.stringify(summary.layers.map((l) => [l.name, l.type, l.outputShape, l.params, l.inbound]));
}

/** The architectures to draw: identical ones (the student and its baseline) share one column. */
export function modelColumns(view: PanelViewModel): ModelColumn[] {
  const columns: ModelColumn[] = [];
  const byKey = new Map<string, ModelColumn>();
  for (const [model, summary] of Object.entries(view.models)) {
    const key = architectureKey(summary);
    const existing = byKey.get(key);
    if (existing) {
      existing.stages.push(model);
      continue;
    }
    const column: ModelColumn = {
      model,
      stages: [model],
      role: view.stages.find((s) => s.name === model)?.role ?? roleOfStage(model),
      summary,
    };
    byKey.set(key, column);
    columns.push(column);
  }
  // A baseline trains the student's architecture even when the models event leaves it out.
  const student = columns.find((c) => c.stages.includes('student'));
  for (const stage of view.stages) {
    if (stage.role === 'baseline' && student && !columns.some((c) => c.stages.includes(stage.name)))
      student.stages.push(stage.name);
  }
  return columns
    .map((c, i) => ({ c, i }))
    .sort((a, b) => ROLE_RANK[a.c.role] - ROLE_RANK[b.c.role] || a.i - b.i)
    .map(({ c }) => c);
}

interface DrawnColumn {
  column: ModelColumn;
  graph: DiagramGraph;
  element: HTMLElement;
  blocks: Map<string, HTMLElement>;
}

let elk: InstanceType<typeof ELK> | undefined;

export class DiagramView {
  readonly element: HTMLElement;
  private readonly row: HTMLElement;
  private readonly links: SVGSVGElement;
  private readonly tooltip: HTMLElement;
  private readonly groupButtons: HTMLElement;
  private readonly sizeRadios: HTMLElement;
  private view?: PanelViewModel;
  private drawnKey = '';
  private lastInputs?: readonly unknown[];
  private generation = 0;
  private drawn: DrawnColumn[] = [];
  private linkLabels: HTMLElement[] = [];
  /** Resolves when the latest layout is on screen (tests and the benchmark wait on it). */
  ready: Promise<void> = Promise.resolve();

  constructor(private readonly host: DiagramHost) {
    const sizeBy = host.ui().sizeBy;
    this.sizeRadios = h(
      'vscode-radio-group',
      { 'aria-label': 'Block size reflects' },
      h(
        'vscode-radio',
        { name: 'size-by', value: 'params', checked: sizeBy === 'params', 'data-control': 'size-params' },
        'Parameters',
      ),
      h(
        'vscode-radio',
        { name: 'size-by', value: 'macs', checked: sizeBy === 'macs', 'data-control': 'size-macs' },
        'MACs',
      ),
    );
    this.sizeRadios.addEventListener('change', (e) => {
      const value = (e.target as HTMLElement & { value?: string }).value;
      if (value === 'params' || value === 'macs') {
        this.host.setUi({ sizeBy: value });
        this.refresh();
      }
    });
    const expand = h('vscode-button', { secondary: true, 'data-control': 'expand-groups' }, 'Expand groups');
    const collapse = h('vscode-button', { secondary: true, 'data-control': 'collapse-groups' }, 'Collapse groups');
    expand.addEventListener('click', () => this.setAllGroups(true));
    collapse.addEventListener('click', () => this.setAllGroups(false));
    this.groupButtons = h('span', { class: 'toolbar' }, expand, collapse);
    this.row = h('div', { class: 'diagram-row' });
    this.links = svg('svg', { class: 'links', 'aria-hidden': 'true' });
    this.tooltip = h('div', { class: 'tooltip', role: 'tooltip', id: 'layer-tooltip', hidden: true });
    this.element = h(
      'div',
      {},
      h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, 'Block size:'), this.sizeRadios, this.groupButtons),
      h('div', { class: 'diagram-scroll' }, this.row),
      this.tooltip,
    );
    new ResizeObserver(() => this.drawLinks()).observe(this.row);
  }

  update(view: PanelViewModel): void {
    this.view = view;
    this.refresh();
  }

  private refresh(): void {
    const view = this.view;
    if (!view) return;
    const ui = this.host.ui();
    // Most updates are training steps: nothing the diagrams show has changed.
    const inputs = [view.models, view.links, view.stages.length, ui.sizeBy, ui.expandedGroups] as const;
    if (this.lastInputs && inputs.every((v, i) => v === this.lastInputs?.[i])) return;
    this.lastInputs = inputs;
    const columns = modelColumns(view);
    const key = JSON.stringify([
      columns.map((c) => [c.model, c.stages, architectureKey(c.summary)]),
      view.links,
      ui.sizeBy,
      ui.expandedGroups,
    ]);
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    this.ready = this.layout(columns, view.links, ui);
  }

  private setAllGroups(open: boolean): void {
    const view = this.view;
    if (!view) return;
    const keys = open
      ? modelColumns(view).flatMap((c) => layerGroups(c.summary.layers).map((g) => `${c.model}/${g.key}`))
      : [];
    this.host.setUi({ expandedGroups: keys });
    this.refresh();
  }

  private toggleGroup(model: string, group: string): void {
    const id = `${model}/${group}`;
    const expanded = this.host.ui().expandedGroups;
    this.host.setUi({ expandedGroups: expanded.includes(id) ? expanded.filter((k) => k !== id) : [...expanded, id] });
    this.refresh();
    void this.ready.then(() =>
      this.drawn
        .find((d) => d.column.model === model)
        ?.element.querySelector<HTMLElement>(`[data-group="${CSS.escape(group)}"]`)
        ?.focus(),
    );
  }

  private async layout(columns: ModelColumn[], links: LayerLink[], ui: PanelUiState): Promise<void> {
    const generation = ++this.generation;
    elk ??= new ELK();
    const engine = elk;
    const graphs = columns.map((column) => {
      const expanded = new Set(
        ui.expandedGroups.filter((k) => k.startsWith(`${column.model}/`)).map((k) => k.slice(column.model.length + 1)),
      );
      return diagramGraph(column.model, column.summary, ui.sizeBy, expanded);
    });
    const layouts = await Promise.all(graphs.map((g) => engine.layout(structuredClone(g.elk) as ElkNode)));
    if (generation !== this.generation) return;
    this.render(columns, graphs, layouts, links, ui.sizeBy);
  }

  private render(
    columns: ModelColumn[],
    graphs: DiagramGraph[],
    layouts: ElkNode[],
    links: LayerLink[],
    sizeBy: SizeMetric,
  ): void {
    const hadFocus =
      document.activeElement instanceof HTMLElement && this.row.contains(document.activeElement)
        ? document.activeElement.dataset.nodeId
        : undefined;
    clear(this.row);
    this.drawn = [];
    this.groupButtons.hidden = !columns.some((c) => layerGroups(c.summary.layers).length > 0);
    if (columns.length === 0) {
      const describing = this.view?.describe.status === 'pending';
      this.row.append(h('p', { class: 'empty' }, describing ? 'Reading the architecture…' : 'No architecture yet.'));
      return;
    }
    columns.forEach((column, i) => {
      const drawn = this.renderColumn(column, graphs[i], layouts[i], sizeBy, links);
      this.drawn.push(drawn);
      this.row.append(drawn.element);
    });
    this.row.append(this.links);
    if (hadFocus) this.row.querySelector<HTMLElement>(`[data-node-id="${CSS.escape(hadFocus)}"]`)?.focus();
    this.drawLinks();
  }

  private renderColumn(
    column: ModelColumn,
    graph: DiagramGraph,
    layout: ElkNode,
    sizeBy: SizeMetric,
    links: LayerLink[],
  ): DrawnColumn {
    const s = column.summary;
    const label = column.stages.join(' · ');
    const canvas = h('div', { class: 'model-canvas', role: 'group', 'aria-label': `${label} architecture` });
    canvas.style.width = `${layout.width ?? 0}px`;
    canvas.style.height = `${layout.height ?? 0}px`;
    const element = h(
      'div',
      { class: 'model-column', 'data-model': column.model, 'data-role': column.role },
      h('h3', {}, label),
      h(
        'div',
        { class: 'model-meta' },
        `${formatCount(s.params)} params · ${formatCount(s.macs)} MACs · depth ${s.depth} · width ${s.width}`,
      ),
      canvas,
    );
    const edges = svg('svg', {
      class: 'edges',
      width: layout.width ?? 0,
      height: layout.height ?? 0,
      'aria-hidden': 'true',
    });
    const markerId = `arrow-${column.model.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const marker = svg('marker', {
      id: markerId,
      viewBox: '0 0 8 8',
      refX: 7,
      refY: 4,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    const tip = svg('path', { d: 'M0,0 L8,4 L0,8 z' });
    marker.append(tip);
    const defs = svg('defs');
    defs.append(marker);
    edges.append(defs);
    for (const edge of (layout.edges ?? []) as ElkExtendedEdge[]) {
      for (const section of edge.sections ?? []) {
        const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
        edges.append(
          svg('path', {
            d: points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' '),
            'marker-end': `url(#${markerId})`,
            'data-edge': edge.id,
          }),
        );
      }
    }
    canvas.append(edges);

    const blocks = new Map<string, HTMLElement>();
    const linked = new Map<string, LayerLink[]>();
    for (const link of links) {
      const name =
        column.role === 'teacher'
          ? link.teacherLayer
          : column.stages.includes('student')
            ? link.studentLayer
            : undefined;
      if (name) linked.set(name, [...(linked.get(name) ?? []), link]);
    }
    const place = (node: ElkNode) => {
      const item = graph.items.get(node.id);
      if (item) {
        const block = this.renderItem(column, item, sizeBy, linked);
        block.style.left = `${node.x ?? 0}px`;
        block.style.top = `${node.y ?? 0}px`;
        block.style.width = `${node.width ?? 0}px`;
        block.style.height = `${node.height ?? 0}px`;
        canvas.append(block);
        blocks.set(node.id, block);
      }
      for (const child of node.children ?? []) place(child);
    };
    for (const child of layout.children ?? []) place(child);
    return { column, graph, element, blocks };
  }

  private renderItem(
    column: ModelColumn,
    item: DiagramItem,
    sizeBy: SizeMetric,
    linked: Map<string, LayerLink[]>,
  ): HTMLElement {
    if (item.kind === 'group' && item.expanded) {
      const toggle = h(
        'button',
        {
          class: 'group-toggle',
          type: 'button',
          'aria-expanded': 'true',
          'data-group': item.group.key,
          'data-node-id': item.id,
        },
        `▾ ${item.group.key} · ${item.group.layers.length} layers`,
      );
      toggle.style.height = `${GROUP_HEADER - 6}px`;
      toggle.addEventListener('click', () => this.toggleGroup(column.model, item.group.key));
      return h('div', { class: 'group-box', 'data-kind': 'group-box' }, toggle);
    }
    const metric = sizeBy === 'macs' ? 'MACs' : 'params';
    const share = h('div', { class: 'share' });
    share.style.width = `${Math.max(0, Math.min(1, item.share)) * 100}%`;
    if (item.kind === 'group') {
      const value = sizeBy === 'macs' ? item.group.macs : item.group.params;
      const block = h(
        'div',
        {
          class: 'block',
          tabindex: 0,
          role: 'button',
          'aria-expanded': 'false',
          'data-kind': 'group',
          'data-group': item.group.key,
          'data-node-id': item.id,
          'data-model': column.model,
          'aria-label': `${item.group.key}: group of ${item.group.layers.length} layers, ${formatExact(value)} ${metric} (${formatPercent(item.share, 1)} of the model). Press Enter to expand.`,
        },
        h('div', { class: 'line1' }, h('span', { class: 'type' }, `▸ ${item.group.key}`)),
        h(
          'div',
          { class: 'line2' },
          h('span', {}, `${item.group.layers.length} layers`),
          h('span', {}, `${formatCount(value)} ${metric}`),
        ),
        share,
      );
      const activate = () => this.toggleGroup(column.model, item.group.key);
      block.addEventListener('click', activate);
      block.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          activate();
        }
      });
      this.bindTooltip(block, () => this.groupDetails(column, item.group.layers));
      return block;
    }
    const layer = item.layer;
    const value = sizeBy === 'macs' ? layer.macs : layer.params;
    const matches = linked.get(layer.name) ?? [];
    const block = h(
      'div',
      {
        class: 'block',
        tabindex: 0,
        role: 'button',
        'data-kind': 'layer',
        'data-layer': layer.name,
        'data-type': layer.type,
        'data-node-id': item.id,
        'data-model': column.model,
        'data-linked': matches.length > 0 || undefined,
        'aria-describedby': 'layer-tooltip',
        'aria-label': `${layer.type} ${layer.name}, output ${formatShape(layer.outputShape)}, ${formatExact(layer.params)} parameters, ${formatExact(layer.macs)} MACs${matches.length ? `, matched by ${matches.map((m) => m.loss).join(', ')}` : ''}. Press Enter to show it in the experiment file.`,
      },
      // Inside an open group the group's name is already on screen: show the rest of the layer's name.
      h(
        'div',
        { class: 'line1' },
        h('span', { class: 'type' }, layer.type),
        h('span', { class: 'name' }, item.group ? layer.name.slice(item.group.length + 1) : layer.name),
      ),
      h(
        'div',
        { class: 'line2' },
        h('span', {}, formatShape(layer.outputShape)),
        h('span', {}, `${formatCount(value)} ${metric}`),
      ),
      share,
    );
    const reveal = () => this.host.revealLayer(column.model, layer.name, item.index);
    block.addEventListener('click', reveal);
    block.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        reveal();
      }
    });
    this.bindTooltip(block, () => this.layerDetails(column, layer, matches), column, layer.name);
    return block;
  }

  private layerDetails(column: ModelColumn, layer: LayerSummary, matches: LayerLink[]): HTMLElement {
    const s = column.summary;
    const rows: [string, string][] = [
      ['Output', formatShape(layer.outputShape)],
      ['Parameters', `${formatExact(layer.params)} (${formatPercent(s.params ? layer.params / s.params : 0, 1)})`],
      ['MACs', `${formatExact(layer.macs)} (${formatPercent(s.macs ? layer.macs / s.macs : 0, 1)})`],
      ['Inputs', layer.inbound.join(', ') || '—'],
      ...matches.map((m): [string, string] => [
        m.loss,
        `${m.teacherLayer} → ${m.studentLayer}${m.adapter ? ` via ${m.adapter}` : ''}`,
      ]),
    ];
    return this.details(`${layer.type} ${layer.name}`, rows);
  }

  private groupDetails(column: ModelColumn, names: string[]): HTMLElement {
    const layers = column.summary.layers.filter((l) => names.includes(l.name));
    return this.details(
      `${names.length} layers`,
      layers.map((l) => [l.name, `${l.type} ${formatShape(l.outputShape)} · ${formatCount(l.params)}`]),
    );
  }

  private details(title: string, rows: [string, string][]): HTMLElement {
    const list = h('dl');
    for (const [k, v] of rows) list.append(h('dt', {}, k), h('dd', {}, v));
    return h('div', {}, h('strong', {}, title), list);
  }

  private bindTooltip(block: HTMLElement, content: () => HTMLElement, column?: ModelColumn, layer?: string): void {
    const show = () => {
      clear(this.tooltip);
      this.tooltip.append(content());
      this.tooltip.hidden = false;
      const rect = block.getBoundingClientRect();
      const width = this.tooltip.offsetWidth;
      const left = rect.right + 8 + width > window.innerWidth ? Math.max(4, rect.left - width - 8) : rect.right + 8;
      this.tooltip.style.left = `${left}px`;
      this.tooltip.style.top = `${Math.max(4, Math.min(rect.top, window.innerHeight - this.tooltip.offsetHeight - 4))}px`;
      if (column && layer) this.highlightPartners(column, layer, true);
    };
    const hide = () => {
      this.tooltip.hidden = true;
      if (column && layer) this.highlightPartners(column, layer, false);
    };
    block.addEventListener('mouseenter', show);
    block.addEventListener('focus', show);
    block.addEventListener('mouseleave', hide);
    block.addEventListener('blur', hide);
  }

  /** Highlights the layers matched with this one in the other model. */
  private highlightPartners(column: ModelColumn, layer: string, on: boolean): void {
    for (const link of this.view?.links ?? []) {
      const partner =
        column.role === 'teacher' && link.teacherLayer === layer
          ? { role: 'student', name: link.studentLayer }
          : column.role !== 'teacher' && link.studentLayer === layer
            ? { role: 'teacher', name: link.teacherLayer }
            : undefined;
      if (!partner) continue;
      const target = this.drawn.find((d) =>
        partner.role === 'teacher' ? d.column.role === 'teacher' : d.column.stages.includes('student'),
      );
      const node = target?.graph.nodeOfLayer.get(partner.name);
      if (node) target?.blocks.get(node)?.classList.toggle('highlight', on);
    }
  }

  /** Draws the links between matched layers over the columns, from the blocks' positions on screen. */
  private drawLinks(): void {
    clear(this.links);
    this.linkLabels.forEach((l) => l.remove());
    this.linkLabels = [];
    const links = this.view?.links ?? [];
    const teacher = this.drawn.find((d) => d.column.role === 'teacher');
    const student =
      this.drawn.find((d) => d.column.stages.includes('student')) ??
      this.drawn.find((d) => d.column.role === 'student');
    if (!teacher || !student || links.length === 0) return;
    const origin = this.row.getBoundingClientRect();
    for (const link of links) {
      const from = teacher.blocks.get(teacher.graph.nodeOfLayer.get(link.teacherLayer) ?? '');
      const to = student.blocks.get(student.graph.nodeOfLayer.get(link.studentLayer) ?? '');
      if (!from || !to) continue;
      const a = from.getBoundingClientRect();
      const b = to.getBoundingClientRect();
      const leftToRight = a.left <= b.left;
      const x1 = (leftToRight ? a.right : a.left) - origin.left;
      const y1 = a.top + a.height / 2 - origin.top;
      const x2 = (leftToRight ? b.left : b.right) - origin.left;
      const y2 = b.top + b.height / 2 - origin.top;
      const bend = (x2 - x1) / 2;
      const path = svg('path', {
        d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
        'data-link': link.loss,
        'data-teacher-layer': link.teacherLayer,
        'data-student-layer': link.studentLayer,
      });
      this.links.append(path);
      const label = h(
        'div',
        {
          class: 'link-label',
          'data-link-label': link.loss,
          'data-adapter': link.adapter,
          role: 'note',
          'aria-label': `${link.loss} matches teacher ${link.teacherLayer} with student ${link.studentLayer}${link.adapter ? ` through the adapter ${link.adapter}` : ''}`,
        },
        link.loss,
        link.adapter ? h('span', { class: 'adapter' }, `adapter: ${link.adapter}`) : undefined,
      );
      label.style.left = `${(x1 + x2) / 2}px`;
      label.style.top = `${(y1 + y2) / 2}px`;
      this.row.append(label);
      this.linkLabels.push(label);
    }
  }
}
