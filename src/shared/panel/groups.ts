// Groups of repeated blocks in an architecture, found from layer names: the layers of one residual
// block share a prefix that ends in a numbered token ("stage2_block1_conv1", "stage2_block1_add"
// → "stage2_block1"). A group needs two or more layers and a named part after the prefix, so
// "dense_1" and "dense_2" stay separate layers.
import type { LayerSummary } from '../../protocol/events';

export interface LayerGroup {
  key: string;
  /** Member layer names in model order. */
  layers: string[];
  params: number;
  macs: number;
}

const NUMBERED = /^[A-Za-z]+\d+$/;

/** The group prefix of a layer name, if it has one. */
export function groupKeyOf(name: string): string | undefined {
  const parts = name.split('_');
  for (let j = parts.length - 2; j >= 0; j--) {
    if (!NUMBERED.test(parts[j] ?? '')) continue;
    const rest = parts.slice(j + 1).join('_');
    if (/[A-Za-z]/.test(rest)) return parts.slice(0, j + 1).join('_');
  }
  return undefined;
}

export function layerGroups(layers: LayerSummary[]): LayerGroup[] {
  const byKey = new Map<string, LayerGroup>();
  for (const layer of layers) {
    const key = groupKeyOf(layer.name);
    if (key === undefined) continue;
    let group = byKey.get(key);
    if (!group) {
      group = { key, layers: [], params: 0, macs: 0 };
      byKey.set(key, group);
    }
    group.layers.push(layer.name);
    group.params += layer.params;
    group.macs += layer.macs;
  }
  return [...byKey.values()].filter((g) => g.layers.length >= 2);
}
