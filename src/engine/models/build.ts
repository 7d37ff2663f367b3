// One entry point from a model spec (a layer list or a preset) to a freshly initialised model.
import type { LayerListModel, PresetModel } from '../config/types';
import { buildLayerList } from './layerList';
import { buildMobileNetV2 } from './mobilenetV2';
import { buildLeNet5, buildMlp, buildResNetBlocks } from './presets';
import { buildResNetDepth } from './resnetDepth';
import { buildVgg } from './vgg';
import { buildWrn } from './wrn';
import { buildBiLstm, buildTransformer } from './textPresets';
import type { BuildContext, BuiltModel } from './types';

export type BuildableSpec = LayerListModel | PresetModel;

/** Builds a fresh logits model (seeded from ctx.seed) from a layer list or a preset. */
export function buildModel(spec: BuildableSpec, ctx: BuildContext): BuiltModel {
  if (!('preset' in spec)) return buildLayerList(spec, ctx);
  switch (spec.preset) {
    case 'mlp':
      return buildMlp(spec, ctx);
    case 'lenet5':
      return buildLeNet5(spec, ctx);
    case 'resnet':
      return 'depth' in spec && spec.depth !== undefined ? buildResNetDepth(spec, ctx) : buildResNetBlocks(spec, ctx);
    case 'vgg':
      return buildVgg(spec, ctx);
    case 'wrn':
      return buildWrn(spec, ctx);
    case 'mobilenetV2':
      return buildMobileNetV2(spec, ctx);
    case 'transformer':
      return buildTransformer(spec, ctx);
    case 'bilstm':
      return buildBiLstm(spec, ctx);
  }
}
