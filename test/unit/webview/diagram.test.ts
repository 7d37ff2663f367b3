import * as assert from 'assert';
import { groupKeyOf, layerGroups } from '../../../src/shared/panel/groups';
import { blockHeight, BLOCK_MIN_HEIGHT, diagramGraph, groupNodeId, layerNodeId } from '../../../webview/panel/graph';
import { FIXTURES, readFixtureModels } from '../../webview/fixtures/read';

const resnet = readFixtureModels(FIXTURES.resnet);

describe('layer groups', () => {
  it('finds the prefix of a repeated block', () => {
    assert.strictEqual(groupKeyOf('stage1_block2_conv1'), 'stage1_block2');
    assert.strictEqual(groupKeyOf('stage2_block1_proj_bn'), 'stage2_block1');
    assert.strictEqual(groupKeyOf('conv2_block1_1_conv'), 'conv2_block1');
    assert.strictEqual(groupKeyOf('hidden_1'), undefined);
    assert.strictEqual(groupKeyOf('conv2d_3'), undefined);
    assert.strictEqual(groupKeyOf('stem_bn'), undefined);
    assert.strictEqual(groupKeyOf('logits'), undefined);
  });

  it('groups every residual block of the recorded teacher', () => {
    const groups = layerGroups(resnet.models.teacher.layers);
    assert.deepStrictEqual(
      groups.map((g) => g.key),
      ['stage1_block1', 'stage1_block2', 'stage2_block1', 'stage2_block2'],
    );
    const block = groups[2];
    assert.ok(block.layers.includes('stage2_block1_proj'));
    const byName = new Map(resnet.models.teacher.layers.map((l) => [l.name, l]));
    assert.strictEqual(
      block.params,
      block.layers.reduce((s, n) => s + (byName.get(n)?.params ?? 0), 0),
    );
  });
});

describe('diagram graph', () => {
  it('has one node per layer and one edge per inbound link when groups are open', () => {
    const summary = resnet.models.teacher;
    const groups = layerGroups(summary.layers).map((g) => g.key);
    const graph = diagramGraph('teacher', summary, 'params', new Set(groups));
    const layers = [...graph.items.values()].filter((i) => i.kind === 'layer');
    assert.strictEqual(layers.length, summary.layers.length);
    const inbound = summary.layers.reduce((s, l) => s + l.inbound.length, 0);
    assert.strictEqual(graph.elk.edges.length, inbound);
    // The add of a residual block has two inbound edges: the branch and the shortcut.
    const add = graph.elk.edges.filter((e) => e.targets[0] === layerNodeId('teacher', 'stage1_block1_add'));
    assert.deepStrictEqual(
      add.map((e) => e.sources[0]).sort(),
      [layerNodeId('teacher', 'stage1_block1_bn2'), layerNodeId('teacher', 'stem_relu')].sort(),
    );
    // Members of an open group are the children of its compound node.
    const compound = graph.elk.children.find((c) => c.id === groupNodeId('teacher', 'stage1_block1'));
    assert.strictEqual(compound?.children?.length, layerGroups(summary.layers)[0].layers.length);
  });

  it('draws a closed group as one block and reroutes its edges', () => {
    const summary = resnet.models.student;
    const graph = diagramGraph('student', summary, 'params', new Set());
    const gid = groupNodeId('student', 'stage1_block1');
    assert.strictEqual(graph.nodeOfLayer.get('stage1_block1_conv1'), gid);
    assert.ok(
      graph.elk.edges.some((e) => e.sources[0] === layerNodeId('student', 'stem_relu') && e.targets[0] === gid),
    );
    assert.ok(
      graph.elk.edges.every((e) => e.sources[0] !== e.targets[0]),
      'no self loops inside a closed group',
    );
    const ids = graph.elk.edges.map((e) => e.id);
    assert.strictEqual(new Set(ids).size, ids.length, 'the stem feeds both the branch and the shortcut: one edge');
  });

  it('sizes blocks by their share of params or MACs', () => {
    const summary = resnet.models.teacher;
    const byParams = diagramGraph(
      't',
      summary,
      'params',
      new Set(['stage1_block1', 'stage1_block2', 'stage2_block1', 'stage2_block2']),
    );
    const byMacs = diagramGraph(
      't',
      summary,
      'macs',
      new Set(['stage1_block1', 'stage1_block2', 'stage2_block1', 'stage2_block2']),
    );
    const item = (g: typeof byParams, name: string) => {
      const it = g.items.get(layerNodeId('t', name));
      assert.ok(it && it.kind === 'layer');
      return it;
    };
    const logits = summary.layers.find((l) => l.name === 'logits');
    assert.ok(logits);
    assert.strictEqual(item(byParams, 'logits').share, logits.params / summary.params);
    assert.strictEqual(item(byMacs, 'logits').share, logits.macs / summary.macs);
    assert.strictEqual(item(byParams, 'input').share, 0);
    assert.strictEqual(blockHeight(0), BLOCK_MIN_HEIGHT);
    assert.ok(blockHeight(0.5) < blockHeight(1));
    // Index among non-input layers, for revealing the layer in the file.
    assert.strictEqual(item(byParams, 'stem').index, 0);
  });
});
