// The shape of a resolved experiment: what `*.kd.json` files become after `extends`
// is merged, a cell is picked and defaults are filled in. The JSON Schema in
// schemas/kd.schema.json describes the same shape as written by a user (with defaults optional).
import type { SweepRunInfo } from '../../protocol/sweep';
import type { SweepPlan } from '../sweep/expand';

import type { BackendName } from '../../protocol/runner';
export type { BackendName };

export type Normalization = 'none' | 'scale' | 'standardize';

interface DataCommon {
  /** Fraction of the training data held out for validation (model selection). Default 0.1. */
  validationSplit: number;
  /** Use at most this many training examples (before the validation split); for quick runs. */
  trainLimit?: number;
  /** Use at most this many test examples. */
  testLimit?: number;
  /** Keep only training examples [start, end) in source order (after a test split is carved, before trainLimit). */
  trainRange?: [number, number];
  /** 'scale' maps pixels to [0,1]; 'standardize' subtracts the training mean and divides by its std. Default 'scale'. */
  normalize: Normalization;
  /** Augmentation of training batches, applied in order (see docs/vision.md). */
  augment?: AugmentSpec[];
  /** noisyStudent: examples whose labels are withheld (its training examples; labels, if any, ignored). */
  unlabeled?: DataConfig;
}

/** One augmentation op of `data.augment`. */
export type AugmentSpec =
  | { type: 'randomCrop'; padding: number; fill?: 'zero' | 'reflect' }
  | { type: 'horizontalFlip' }
  | { type: 'translate'; pixels: number }
  | { type: 'cutout'; size: number }
  | { type: 'mixup'; alpha: number }
  | { type: 'cutmix'; alpha: number }
  | { type: 'normalize'; mean: number[]; std: number[] };

export interface MnistData extends DataCommon {
  dataset: 'mnist';
}
export interface IdxData extends DataCommon {
  dataset: 'idx';
  trainImages: string;
  trainLabels: string;
  testImages?: string;
  testLabels?: string;
  /** Fraction of training data used as test split when no test files are given. Default 0.2. */
  testSplit?: number;
}
export interface CsvData extends DataCommon {
  dataset: 'csv';
  train: string;
  test?: string;
  /** Column name (with a header row) or 0-based index holding the class label. */
  labelColumn: string | number;
  testSplit?: number;
}
export interface ImageFolderData extends DataCommon {
  dataset: 'images';
  /** A folder with one sub-folder per class holding PNG/JPEG files. */
  train: string;
  test?: string;
  /** Images are resized to [height, width]. */
  imageSize: [number, number];
  channels: 1 | 3;
  testSplit?: number;
}
export interface SyntheticData extends DataCommon {
  dataset: 'synthetic';
  /** Shape of one example, e.g. [16] or [8, 8, 1]. */
  shape: number[];
  classes: number;
  trainSize: number;
  testSize: number;
  /** Seed of the generating distribution (independent of the experiment seed). Default 0. */
  dataSeed?: number;
}
export type TokenizerConfig =
  | { type: 'word' | 'char'; vocabSize?: number; lowercase?: boolean }
  | { type: 'wordpiece'; vocab: string; lowercase?: boolean };
export interface TextData extends DataCommon {
  dataset: 'text';
  /** CSV/TSV with a header row, or JSON Lines. */
  train: string;
  test?: string;
  testSplit?: number;
  /** Default 'text'. */
  textColumn?: string;
  /** Default 'label'. */
  labelColumn?: string;
  /** Default { type: 'word' }. */
  tokenizer?: TokenizerConfig;
  /** Tokens per example, [CLS] included. Default 64. */
  maxLength?: number;
}
export interface Cifar10Data extends DataCommon {
  dataset: 'cifar10';
  /** The folder of the binary version (cifar-10-batches-bin): data_batch_1.bin … data_batch_5.bin, test_batch.bin. */
  path: string;
}
export interface Cifar100Data extends DataCommon {
  dataset: 'cifar100';
  /** The folder of the binary version (cifar-100-binary): train.bin, test.bin. */
  path: string;
  /** 100 fine classes or 20 coarse superclasses. Default 'fine'. */
  labels?: 'fine' | 'coarse';
}
export interface FashionMnistData extends DataCommon {
  dataset: 'fashion-mnist';
  /** A folder with the four Fashion-MNIST IDX files (gzipped or not); without it, KD_FASHION_MNIST_DIR, else Debian's. */
  path?: string;
}
export type DataConfig =
  | MnistData
  | IdxData
  | CsvData
  | ImageFolderData
  | SyntheticData
  | Cifar10Data
  | Cifar100Data
  | FashionMnistData
  | TextData;

export type Activation = 'relu' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'softmax' | 'linear' | 'gelu' | 'swish';

export type LayerSpec =
  | { type: 'dense'; name?: string; units: number; activation?: Activation; useBias?: boolean }
  | {
      type: 'conv2d';
      name?: string;
      filters: number;
      kernelSize: number | [number, number];
      strides?: number | [number, number];
      padding?: 'valid' | 'same';
      activation?: Activation;
      useBias?: boolean;
    }
  | {
      type: 'maxPool' | 'avgPool';
      name?: string;
      poolSize: number | [number, number];
      strides?: number | [number, number];
      padding?: 'valid' | 'same';
    }
  | { type: 'globalAveragePooling'; name?: string }
  | { type: 'batchNormalization'; name?: string; momentum?: number; epsilon?: number }
  | { type: 'dropout'; name?: string; rate: number }
  | { type: 'flatten'; name?: string }
  | { type: 'activation'; name?: string; activation: Activation }
  | {
      type: 'depthwiseConv2d';
      name?: string;
      kernelSize: number | [number, number];
      strides?: number | [number, number];
      padding?: 'valid' | 'same';
      depthMultiplier?: number;
      activation?: Activation;
      useBias?: boolean;
    }
  /** max(x, alpha·x): a layer of its own, as in Keras (TF.js has no leaky ReLU activation string). */
  | { type: 'leakyRelu'; name?: string; alpha?: number }
  | SequenceLayerSpec
  | ResidualLayerSpec;

/** Layers of a text model (token ids in, id 0 = padding): usable in a layer list as in the text presets. */
export type SequenceLayerSpec =
  /** Token (+ learned position) embeddings of width dModel; rows = the data's vocabulary. */
  | { type: 'embedding'; name?: string; dModel: number; positions?: boolean }
  /** A BERT encoder block (its attention probabilities are the layer `<name>_attention`). */
  | { type: 'transformerBlock'; name?: string; heads: number; ffn: number; dropout?: number }
  /** A recurrent layer; padding is skipped through the embedding's mask. */
  | { type: 'lstm' | 'gru'; name?: string; units: number; returnSequences?: boolean; bidirectional?: boolean }
  /** [b, L, d] → [b, d]: the first ([CLS]) position or the mean over real tokens. */
  | { type: 'sequencePooling'; name?: string; mode?: 'cls' | 'mean' };

/**
 * y = body(x) + shortcut(x), then the optional activation. The shortcut is x itself ('identity',
 * shapes must match) or a 1×1 convolution and batch norm ('projection'; a bias-free dense layer on
 * vectors) that matches the body's output shape and stride.
 */
export interface ResidualLayerSpec {
  type: 'residual';
  name?: string;
  layers: LayerSpec[];
  /** Default 'identity'. */
  shortcut?: 'identity' | 'projection';
  activation?: Activation;
}

interface ModelCommon {
  /** Training budget for this model when it is trained on its own (a teacher trained as stage 1). Overrides the experiment's `train`. */
  train?: Partial<TrainConfig>;
}
export interface LayerListModel extends ModelCommon {
  layers: LayerSpec[];
}
export interface MlpPreset extends ModelCommon {
  preset: 'mlp';
  hidden: number[];
  activation?: Activation;
  dropout?: number;
}
export interface LeNet5Preset extends ModelCommon {
  preset: 'lenet5';
  /** Width multiplier on the channel and unit counts. Default 1. */
  width?: number;
}
/** The original form: explicit blocks per stage, `width` = channels of the first stage. */
export interface ResNetBlocksPreset extends ModelCommon {
  preset: 'resnet';
  /** Residual blocks per stage, e.g. [1, 1, 1]. */
  blocks: number[];
  /** Channels of the first stage; doubled at each next stage. Default 16. */
  width?: number;
}
export interface TransformerPreset extends ModelCommon {
  preset: 'transformer';
  /** Encoder blocks, named block_1 … block_N. */
  layers: number;
  dModel: number;
  heads: number;
  /** Width of the feed-forward layer inside each block. */
  ffn: number;
  /** Default 0.1. */
  dropout?: number;
  /** Default 'cls'. */
  pooling?: 'cls' | 'mean';
  /** As a student: start from the teacher's weights, block i from teacher block f(i) (DistilBERT's initialisation). */
  initFromTeacher?: LayerMapping;
}
export interface BiLstmPreset extends ModelCommon {
  preset: 'bilstm';
  /** Hidden units of each direction. */
  units: number;
  /** Embedding width. Default 64. */
  embedding?: number;
  /** Units of the ReLU layer before the logits. Default 2·units. */
  hidden?: number;
  /** Default 'lstm'. */
  cell?: 'lstm' | 'gru';
}
export const RESNET_DEPTHS = [8, 14, 18, 20, 32, 34, 44, 56, 110, '8x4', '32x4'] as const;
export type ResNetDepth = (typeof RESNET_DEPTHS)[number];
/** A reference architecture by depth; `width` multiplies every channel count. */
export interface ResNetDepthPreset extends ModelCommon {
  preset: 'resnet';
  depth: ResNetDepth;
  /** Channel multiplier. Default 1. */
  width?: number;
}
export type ResNetPreset = ResNetBlocksPreset | ResNetDepthPreset;
export const VGG_DEPTHS = [11, 13, 16, 19] as const;
export interface VggPreset extends ModelCommon {
  preset: 'vgg';
  depth: (typeof VGG_DEPTHS)[number];
  /** Channel multiplier. Default 1. */
  width?: number;
}
export const WRN_DEPTHS = [10, 16, 22, 28, 34, 40] as const;
export interface WrnPreset extends ModelCommon {
  preset: 'wrn';
  depth: (typeof WRN_DEPTHS)[number];
  /** Widening factor k of WRN-depth-k. Default 1. */
  widen?: number;
  /** Channel multiplier on top of `widen`. Default 1. */
  width?: number;
}
export interface MobileNetV2Preset extends ModelCommon {
  preset: 'mobilenetV2';
  /** Width multiplier (0.5 is RepDistiller's MobileNetV2 student). Default 1. */
  width?: number;
  /** Expansion ratio t of the inverted residuals. Default 6. */
  expansion?: number;
}
export type PresetModel =
  | MlpPreset
  | LeNet5Preset
  | ResNetPreset
  | VggPreset
  | WrnPreset
  | MobileNetV2Preset
  | TransformerPreset
  | BiLstmPreset;
export interface LoadedModel extends ModelCommon {
  /** Path to a TF.js Layers `model.json` (relative to the experiment file). */
  load: string;
}
export interface FromCellModel extends ModelCommon {
  /** Reuse the model trained by an earlier cell of the same file (its latest finished run). */
  fromCell: string;
}
export type ModelSpec = LayerListModel | PresetModel | LoadedModel | FromCellModel;

/** Student block i ↔ teacher block f(i): "uniform" (f(i) = ⌈i·N/M⌉) or explicit [studentBlock, teacherBlock] pairs (1-based). */
export type LayerMapping = 'uniform' | [number, number][];

export type LossSpec =
  | { type: 'ce'; weight: number; labelSmoothing?: number }
  | { type: 'kd'; weight: number; temperature: number; scaleByTemperatureSquared: boolean }
  | { type: 'reverseKl'; weight: number; temperature: number; scaleByTemperatureSquared: boolean }
  | { type: 'jsd'; weight: number; beta: number; temperature: number; scaleByTemperatureSquared: boolean }
  | { type: 'tvd'; weight: number; temperature: number; scaleByTemperatureSquared: boolean }
  | { type: 'cosine'; weight: number; teacherLayer: string; studentLayer: string }
  | { type: 'attention'; weight: number; mapping?: LayerMapping; teacherLayer?: string; studentLayer?: string }
  | { type: 'hidden'; weight: number; mapping?: LayerMapping; teacherLayer?: string; studentLayer?: string }
  | { type: 'embedding'; weight: number; teacherLayer: string; studentLayer: string }
  | { type: 'dkd'; weight: number; alpha: number; beta: number; temperature: number; warmupEpochs: number }
  | { type: 'hint'; weight: number; teacherLayer: string; studentLayer: string }
  | { type: 'at'; weight: number; pairs: LayerPair[]; p: number }
  | { type: 'nst'; weight: number; teacherLayer: string; studentLayer: string }
  | {
      type: 'rkd';
      weight: number;
      teacherLayer?: string;
      studentLayer?: string;
      distanceWeight: number;
      angleWeight: number;
    }
  | { type: 'sp'; weight: number; teacherLayer?: string; studentLayer?: string }
  | { type: 'cc'; weight: number; teacherLayer?: string; studentLayer?: string }
  | { type: 'pkt'; weight: number; teacherLayer?: string; studentLayer?: string }
  | { type: 'fsp'; weight: number; teacherLayers: [string, string]; studentLayers: [string, string] }
  | {
      type: 'crd';
      weight: number;
      /** Embedding dimension of both heads. */
      feat: number;
      /** Negatives per example. */
      nceK: number;
      temperature: number;
      /** Memory-bank momentum. Default 0.5. */
      momentum?: number;
      /** 'nce' (the paper's, default) or 'softmax' (softmax-contrastive). */
      objective?: 'nce' | 'softmax';
      /** Default: the layer feeding the logits. */
      teacherLayer?: string;
      studentLayer?: string;
    };

export type LossType = LossSpec['type'];

export interface LayerPair {
  teacherLayer: string;
  studentLayer: string;
}

export type Scheme = 'offline' | 'online' | 'self' | 'assistant' | 'multiTeacher' | 'noisyStudent';

export interface DistillStage {
  name: string;
  losses: LossSpec[];
  epochs: number;
}

export interface DistillConfig {
  scheme: Scheme;
  losses: LossSpec[];
  /** Multi-stage schedule (e.g. a hint stage then KD); each stage has its own losses and epochs. Replaces `losses`. */
  stages?: DistillStage[];
  /** Cache the frozen teacher's outputs once per epoch-independent input (offline, no augmentation). Default true. */
  cacheTeacher: boolean;
  /** Cache only the teacher's k largest logits per example (and their log-sum-exp); kd, jsd (β < 1) and tvd then read the renormalised top k. */
  cacheTopK?: number;
  /** online: the peers trained together (the student is peer 1 when omitted). */
  peers?: ModelSpec[];
  /** self: 'bornAgain' generations or 'exits' (deep-to-shallow within one network). */
  selfMode?: 'bornAgain' | 'exits';
  generations?: number;
  /** self/exits: names of student layers that get an auxiliary classifier. */
  exits?: string[];
  /** assistant: intermediate models, from the largest to the smallest. */
  assistants?: ModelSpec[];
  /** multiTeacher: several teachers; `teacher` is ignored. */
  teachers?: ModelSpec[];
  /** multiTeacher: 'mean', 'weights' (given) or 'accuracy' (from each teacher's validation accuracy). */
  teacherWeighting?: 'mean' | 'weights' | 'accuracy';
  teacherWeights?: number[];
  /** noisyStudent: rounds of pseudo-labelling and training a noised student. Default 2. */
  iterations?: number;
  /** noisyStudent: the teacher's distribution ('soft', default) or its top class ('hard') as the pseudo-label. */
  pseudoLabels?: 'soft' | 'hard';
  /** noisyStudent: unlabeled examples whose top teacher probability is below this are dropped. Default 0. */
  threshold?: number;
  /** noisyStudent: temperature of the soft pseudo-labels (softmax(z / T)). Default 1. */
  pseudoTemperature?: number;
  /** noisyStudent: class balancing; each class keeps its most confident pseudo-labels up to this many, rarer ones are repeated up to it. */
  perClass?: number;
  /** noisyStudent: the student of each round (round k trains students[k − 1]), e.g. growing ones; default `student` every round. */
  students?: ModelSpec[];
  /** noisyStudent: noise on the student of every round. */
  noise?: NoiseConfig;
}

/** The noise a Noisy Student round trains its student under (the teacher labels without it). */
export interface NoiseConfig {
  /** Dropout before the logits layer of each round's student, on top of the model's own. Default 0. */
  dropout?: number;
  /** Augmentation of the student's training batches (images), after data.augment. */
  augment?: AugmentSpec[];
}

export type OptimizerConfig =
  | { type: 'sgd'; lr: number; weightDecay: number }
  | { type: 'momentum'; lr: number; momentum: number; nesterov: boolean; weightDecay: number }
  | { type: 'adam'; lr: number; beta1: number; beta2: number; epsilon: number; weightDecay: number };

export type ScheduleConfig =
  | { type: 'constant' }
  /** Multiply by `gamma` every `stepSize` epochs, or at each epoch listed in `milestones` (RepDistiller's 150, 180, 210). */
  | { type: 'step'; stepSize?: number; milestones?: number[]; gamma: number }
  | { type: 'cosine'; minLr: number };

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  /** Stop an epoch after this many steps (quick experiments, smoke tests). */
  maxStepsPerEpoch?: number;
}

/** One fully resolved experiment (one cell of a file, or the whole file when it has no cells). */
export interface Experiment {
  /** Display and run-store name: the file's `name` (or file stem), plus `.cell` for a cell. */
  name: string;
  /** The cell's name when this experiment came from `cells`. */
  cell?: string;
  /** Absolute path of the `.kd.json` the experiment came from. */
  sourceFile: string;
  seed: number;
  backend: BackendName;
  data: DataConfig;
  /** Absent for a plain training cell (the student is trained alone on labels). */
  teacher?: ModelSpec;
  student: ModelSpec;
  distill: DistillConfig;
  train: TrainConfig;
  /** Also train the student alone with the same seed and budget. */
  baseline: boolean;
  /** Set on a run of a sweep (recorded in its config.json): the sweep, point, swept values and seed. */
  sweep?: SweepRunInfo;
}

/** A parsed file: one or more experiments in order. */
export interface ExperimentFile {
  path: string;
  /** The file-level name (`name` or the file stem). */
  name: string;
  experiments: Experiment[];
  /** True when the file declares `cells`. */
  notebook: boolean;
  /** The expanded sweeps, keyed by experiment name, for experiments that declare `sweep`. */
  sweeps?: Record<string, SweepPlan>;
}
