import type {
  BiLstmPreset,
  LayerListModel,
  LeNet5Preset,
  MlpPreset,
  ResNetPreset,
  TransformerPreset,
} from '../config/types';
import { buildLayerList } from './layerList';
import { buildLeNet5, buildMlp, buildResNet } from './presets';
import { buildBiLstm, buildTransformer } from './textPresets';
import type { BuildContext, BuiltModel } from './types';

export type BuildableSpec = LayerListModel | MlpPreset | LeNet5Preset | ResNetPreset | TransformerPreset | BiLstmPreset;

/** Builds a fresh logits model (seeded from ctx.seed) from a layer list or a preset. */
export function buildModel(spec: BuildableSpec, ctx: BuildContext): BuiltModel {
  if (!('preset' in spec)) return buildLayerList(spec, ctx);
  switch (spec.preset) {
    case 'mlp':
      return buildMlp(spec, ctx);
    case 'lenet5':
      return buildLeNet5(spec, ctx);
    case 'resnet':
      return buildResNet(spec, ctx);
    case 'transformer':
      return buildTransformer(spec, ctx);
    case 'bilstm':
      return buildBiLstm(spec, ctx);
  }
}
