// The ELK input graph of one model's diagram: one node per layer (or per collapsed group of a
// repeated block), sized by its share of the model's parameters or MACs, edges from each layer's
// inbound layers. Pure: the diagram renderer hands the graph to elkjs and draws the result.
import type { LayerSummary, ModelSummary } from '../../src/protocol/events';
import type { SizeMetric } from '../../src/protocol/webview';
import { layerGroups, type LayerGroup } from '../../src/shared/panel/groups';

export const BLOCK_WIDTH = 220;
export const BLOCK_MIN_HEIGHT = 42;
/** Extra height a block gets when it holds the whole model (square root of the share, so small layers stay visible). */
export const BLOCK_EXTRA_HEIGHT = 70;
export const GROUP_HEADER = 26;

export interface ElkNodeInput {
  id: string;
  width?: number;
  height?: number;
  children?: ElkNodeInput[];
  layoutOptions?: Record<string, string>;
}

export interface ElkEdgeInput {
  id: string;
  sources: string[];
  targets: string[];
}

export interface ElkGraphInput extends ElkNodeInput {
  children: ElkNodeInput[];
  edges: ElkEdgeInput[];
}

export type DiagramItem =
  | { kind: 'layer'; id: string; layer: LayerSummary; index: number; share: number; group?: string }
  | { kind: 'group'; id: string; group: LayerGroup; share: number; expanded: boolean };

export interface DiagramGraph {
  elk: ElkGraphInput;
  /** Every drawn item by node id: layers (visible ones) and groups (collapsed or expanded). */
  items: Map<string, DiagramItem>;
  /** For each layer name, the id of the node that shows it (itself, or its collapsed group). */
  nodeOfLayer: Map<string, string>;
}

export const ROOT_LAYOUT: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.spacing.nodeNode': '18',
  'elk.layered.spacing.nodeNodeBetweenLayers': '22',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  'elk.padding': '[top=8,left=8,bottom=8,right=8]',
};

export function layerNodeId(model: string, layer: string): string {
  return `${model}::layer::${layer}`;
}

export function groupNodeId(model: string, group: string): string {
  return `${model}::group::${group}`;
}

function metricOf(item: { params: number; macs: number }, sizeBy: SizeMetric): number {
  return sizeBy === 'macs' ? item.macs : item.params;
}

export function blockHeight(share: number): number {
  return Math.round(BLOCK_MIN_HEIGHT + BLOCK_EXTRA_HEIGHT * Math.sqrt(Math.min(Math.max(share, 0), 1)));
}

/** The model's layers as ELK nodes; `expanded` holds the keys of the groups drawn open. */
export function diagramGraph(
  model: string,
  summary: ModelSummary,
  sizeBy: SizeMetric,
  expanded: ReadonlySet<string>,
): DiagramGraph {
  const total = sizeBy === 'macs' ? summary.macs : summary.params;
  const share = (value: number) => (total > 0 ? value / total : 0);
  const groups = layerGroups(summary.layers);
  const groupOfLayer = new Map<string, LayerGroup>();
  for (const group of groups) for (const name of group.layers) groupOfLayer.set(name, group);

  const items = new Map<string, DiagramItem>();
  const nodeOfLayer = new Map<string, string>();
  const children: ElkNodeInput[] = [];
  const groupNodes = new Map<string, ElkNodeInput>();
  let index = -1;
  for (const layer of summary.layers) {
    if (layer.type !== 'InputLayer') index++;
    const group = groupOfLayer.get(layer.name);
    const id = layerNodeId(model, layer.name);
    if (group && !expanded.has(group.key)) {
      const gid = groupNodeId(model, group.key);
      nodeOfLayer.set(layer.name, gid);
      if (!groupNodes.has(gid)) {
        const s = share(metricOf(group, sizeBy));
        const node: ElkNodeInput = { id: gid, width: BLOCK_WIDTH, height: blockHeight(s) };
        groupNodes.set(gid, node);
        children.push(node);
        items.set(gid, { kind: 'group', id: gid, group, share: s, expanded: false });
      }
      continue;
    }
    const s = share(metricOf(layer, sizeBy));
    const node: ElkNodeInput = { id, width: BLOCK_WIDTH, height: blockHeight(s) };
    nodeOfLayer.set(layer.name, id);
    items.set(id, { kind: 'layer', id, layer, index, share: s, group: group?.key });
    if (group) {
      const gid = groupNodeId(model, group.key);
      let parent = groupNodes.get(gid);
      if (!parent) {
        parent = {
          id: gid,
          children: [],
          layoutOptions: { 'elk.padding': `[top=${GROUP_HEADER + 6},left=10,bottom=10,right=10]` },
        };
        groupNodes.set(gid, parent);
        children.push(parent);
        items.set(gid, { kind: 'group', id: gid, group, share: share(metricOf(group, sizeBy)), expanded: true });
      }
      parent.children?.push(node);
    } else {
      children.push(node);
    }
  }

  const edges: ElkEdgeInput[] = [];
  const seen = new Set<string>();
  for (const layer of summary.layers) {
    const target = nodeOfLayer.get(layer.name);
    for (const inbound of layer.inbound) {
      const source = nodeOfLayer.get(inbound);
      if (!source || !target || source === target) continue;
      const id = `${source}->${target}`;
      if (seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, sources: [source], targets: [target] });
    }
  }
  return { elk: { id: `${model}::root`, layoutOptions: ROOT_LAYOUT, children, edges }, items, nodeOfLayer };
}
