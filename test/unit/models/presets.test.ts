// The reference presets against their published architectures: trainable parameter counts worked
// out here from each paper's (and RepDistiller's) layer plan, the stable layer names feature losses
// tap, and the feature-map shapes on 32×32 inputs.
import * as assert from 'assert';
import * as tf from '@tensorflow/tfjs';
import { buildModel, summarizeModel, type BuildableSpec } from '../../../src/engine/models';
import { useCpuBackend } from './helpers';

/** k×k convolution from cin to cout channels, with or without bias. */
const conv = (k: number, cin: number, cout: number, bias = false): number => k * k * cin * cout + (bias ? cout : 0);
/** Batch norm's trainable γ and β (its moving statistics are not parameters in PyTorch's count). */
const bn = (c: number): number => 2 * c;
const fc = (cin: number, cout: number): number => cin * cout + cout;

function vggCount(plan: number[][], classes: number): number {
  let cin = 3;
  let total = 0;
  for (const stage of plan)
    for (const c of stage) {
      total += conv(3, cin, c, true) + bn(c);
      cin = c;
    }
  return total + fc(cin, classes);
}

/** Post-activation basic blocks; a 1×1 conv + BN shortcut where channels or stride change. */
function resnetCount(stem: number, channels: number[], blocks: number[], classes: number): number {
  let total = conv(3, 3, stem) + bn(stem);
  let cin = stem;
  channels.forEach((c, s) => {
    for (let b = 0; b < blocks[s]; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      total += conv(3, cin, c) + bn(c) + conv(3, c, c) + bn(c);
      if (cin !== c || stride !== 1) total += conv(1, cin, c) + bn(c);
      cin = c;
    }
  });
  return total + fc(cin, classes);
}

/** Pre-activation wide blocks: BN before each conv, a bias-free 1×1 shortcut where the shape changes. */
function wrnCount(depth: number, k: number, classes: number): number {
  const n = (depth - 4) / 6;
  let total = conv(3, 3, 16);
  let cin = 16;
  [16 * k, 32 * k, 64 * k].forEach((c, s) => {
    for (let b = 0; b < n; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      total += bn(cin) + conv(3, cin, c) + bn(c) + conv(3, c, c);
      if (cin !== c || stride !== 1) total += conv(1, cin, c);
      cin = c;
    }
  });
  return total + bn(cin) + fc(cin, classes);
}

/** RepDistiller's CIFAR MobileNetV2: every block expands (also at t = 1), channels int(c·w). */
function mobileNetV2Count(t: number, w: number, classes: number): number {
  const settings = [
    [1, 16, 1],
    [t, 24, 2],
    [t, 32, 3],
    [t, 64, 4],
    [t, 96, 3],
    [t, 160, 3],
    [t, 320, 1],
  ];
  let cin = Math.floor(32 * w);
  let total = conv(3, 3, cin) + bn(cin);
  for (const [e, c, n] of settings) {
    const cout = Math.floor(c * w);
    for (let b = 0; b < n; b++) {
      const hidden = cin * e;
      total += conv(1, cin, hidden) + bn(hidden) + 9 * hidden + bn(hidden) + conv(1, hidden, cout) + bn(cout);
      cin = cout;
    }
  }
  const last = w > 1 ? Math.floor(1280 * w) : 1280;
  return total + conv(1, cin, last) + bn(last) + fc(last, classes);
}

const cifar = (classes: number) => ({ inputShape: [32, 32, 3], classes, name: 'm', seed: 3 });

function trainable(spec: BuildableSpec, classes: number): number {
  const { model } = buildModel(spec, cifar(classes));
  const count = summarizeModel(model, 'm').trainableParams;
  model.dispose();
  return count;
}

const shapeOf = (model: tf.LayersModel, name: string): (number | null)[] =>
  model.getLayer(name).outputShape as (number | null)[];

describe('reference presets', () => {
  useCpuBackend();

  describe('parameter counts against the reference architectures', () => {
    const cases: [string, BuildableSpec, number, number, number][] = [
      // name, spec, classes, count from the plan above, the figure quoted for the architecture (to 0.01 M)
      [
        'VGG-11 at 10 classes',
        { preset: 'vgg', depth: 11 },
        10,
        vggCount([[64], [128], [256, 256], [512, 512], [512, 512]], 10),
        9.23e6,
      ],
      [
        'ResNet-18 at 10 classes',
        { preset: 'resnet', depth: 18 },
        10,
        resnetCount(64, [64, 128, 256, 512], [2, 2, 2, 2], 10),
        11.17e6,
      ],
      [
        'ResNet-20 at 10 classes',
        { preset: 'resnet', depth: 20 },
        10,
        resnetCount(16, [16, 32, 64], [3, 3, 3], 10),
        0.27e6,
      ],
      [
        'resnet8x4 at 100 classes',
        { preset: 'resnet', depth: '8x4' },
        100,
        resnetCount(32, [64, 128, 256], [1, 1, 1], 100),
        1.23e6,
      ],
      [
        'resnet32x4 at 100 classes',
        { preset: 'resnet', depth: '32x4' },
        100,
        resnetCount(32, [64, 128, 256], [5, 5, 5], 100),
        7.43e6,
      ],
      ['WRN-40-2 at 100 classes', { preset: 'wrn', depth: 40, widen: 2 }, 100, wrnCount(40, 2, 100), 2.26e6],
      ['WRN-16-2 at 100 classes', { preset: 'wrn', depth: 16, widen: 2 }, 100, wrnCount(16, 2, 100), 0.7e6],
      [
        'MobileNetV2 ×0.5 at 100 classes',
        { preset: 'mobilenetV2', width: 0.5 },
        100,
        mobileNetV2Count(6, 0.5, 100),
        0.81e6,
      ],
    ];
    for (const [name, spec, classes, expected, quoted] of cases) {
      it(`${name}: ${expected.toLocaleString('en')} parameters`, () => {
        assert.ok(
          Math.round(expected / 1e4) === Math.round(quoted / 1e4),
          `the plan gives ${expected}, the quoted figure ${quoted}`,
        );
        assert.strictEqual(trainable(spec, classes), expected);
      });
    }

    it('scales channels with width (ResNet-34, VGG-19 and WRN-16-2 at a quarter width)', () => {
      const q = (c: number) => Math.round(c / 4);
      assert.strictEqual(
        trainable({ preset: 'resnet', depth: 34, width: 0.25 }, 10),
        resnetCount(q(64), [64, 128, 256, 512].map(q), [3, 4, 6, 3], 10),
      );
      const vgg19 = [[64, 64], [128, 128], Array(4).fill(256), Array(4).fill(512), Array(4).fill(512)];
      assert.strictEqual(
        trainable({ preset: 'vgg', depth: 19, width: 0.25 }, 10),
        vggCount(
          vgg19.map((s) => s.map(q)),
          10,
        ),
      );
      // WRN's stem is 16 channels before widening: a quarter of it is 4.
      const wrn = trainable({ preset: 'wrn', depth: 16, widen: 2, width: 0.25 }, 10);
      assert.strictEqual(wrn, wrnQuarter());
      function wrnQuarter(): number {
        // WRN-16-2 at a quarter: stem 4, stages 8, 16, 32.
        let total = conv(3, 3, 4);
        let cin = 4;
        [8, 16, 32].forEach((c, s) => {
          for (let b = 0; b < 2; b++) {
            total += bn(cin) + conv(3, cin, c) + bn(c) + conv(3, c, c);
            if (cin !== c || (s > 0 && b === 0)) total += conv(1, cin, c);
            cin = c;
          }
        });
        return total + bn(cin) + fc(cin, 10);
      }
    });
  });

  describe('layer names and shapes', () => {
    it('resnet by depth: stem, stage1 … stage4, pool, logits; stride 2 from stage 2 on, no max-pool', () => {
      const { model, tappable } = buildModel({ preset: 'resnet', depth: 18, width: 0.125 }, cifar(10));
      for (const name of ['stem', 'stage1', 'stage2', 'stage3', 'stage4', 'pool', 'logits'])
        assert.ok(tappable.includes(name), name);
      assert.deepStrictEqual(shapeOf(model, 'stage1'), [null, 32, 32, 8]);
      assert.deepStrictEqual(shapeOf(model, 'stage4'), [null, 4, 4, 64]);
      assert.deepStrictEqual(shapeOf(model, 'pool'), [null, 64]);
      assert.ok(!model.layers.some((l) => l.getClassName() === 'MaxPooling2D'));
      assert.ok(tappable.includes('stage2_block1_proj'), 'the first block of stage 2 projects its shortcut');
      model.dispose();
    });

    it('the CIFAR family has three stages of 16/32/64 channels and (depth − 2)/6 blocks each', () => {
      const { model, tappable } = buildModel({ preset: 'resnet', depth: 32 }, cifar(10));
      assert.ok(tappable.includes('stage3_block5_conv2') && !tappable.includes('stage3_block6_conv1'));
      assert.ok(!tappable.includes('stage4'));
      assert.deepStrictEqual(shapeOf(model, 'stage3'), [null, 8, 8, 64]);
      model.dispose();
    });

    it('vgg: stage1 … stage5, pooled to 4×4 before stage 5 on 32×32 inputs, pool, logits', () => {
      const { model, tappable } = buildModel({ preset: 'vgg', depth: 13, width: 0.125 }, cifar(10));
      assert.deepStrictEqual(
        tappable.filter((n) => /^stage\d$|^pool$|^logits$/.test(n)),
        ['stage1', 'stage2', 'stage3', 'stage4', 'stage5', 'pool', 'logits'],
      );
      assert.deepStrictEqual(shapeOf(model, 'stage1'), [null, 32, 32, 8]);
      assert.deepStrictEqual(shapeOf(model, 'stage4'), [null, 4, 4, 64]);
      assert.deepStrictEqual(shapeOf(model, 'stage5'), [null, 4, 4, 64]);
      assert.deepStrictEqual(
        tappable.filter((n) => n.endsWith('_pool')),
        ['stage1_pool', 'stage2_pool', 'stage3_pool'],
      );
      model.dispose();
    });

    it('wrn: pre-activation stages end in their sums stage1 … stage3, then final_relu, pool, logits', () => {
      const { model, tappable } = buildModel({ preset: 'wrn', depth: 10, widen: 2, width: 0.25 }, cifar(10));
      assert.strictEqual(model.getLayer('stage1').getClassName(), 'Add');
      assert.deepStrictEqual(shapeOf(model, 'stage3'), [null, 8, 8, 32]);
      for (const name of ['stem', 'final_bn', 'final_relu', 'pool', 'logits']) assert.ok(tappable.includes(name), name);
      model.dispose();
    });

    it('mobilenetV2: depthwise blocks, skips where the shape is kept, stage1 … stage7 down to 2×2', () => {
      const { model, tappable } = buildModel({ preset: 'mobilenetV2', width: 0.25 }, cifar(10));
      assert.strictEqual(model.getLayer('stage2_block1_dw').getClassName(), 'DepthwiseConv2D');
      // Stage 2's second block keeps its shape: its output is a sum with the block's input.
      assert.strictEqual(model.getLayer('stage2').getClassName(), 'Add');
      assert.strictEqual(model.getLayer('stage1').getClassName(), 'BatchNormalization');
      assert.deepStrictEqual(shapeOf(model, 'stem'), [null, 16, 16, 8]);
      assert.deepStrictEqual(shapeOf(model, 'stage7'), [null, 2, 2, 80]);
      assert.deepStrictEqual(shapeOf(model, 'head_relu'), [null, 2, 2, 1280]);
      for (const name of ['pool', 'logits']) assert.ok(tappable.includes(name), name);
      model.dispose();
    });

    it('keeps the names of the resnet blocks form', () => {
      const { tappable } = buildModel({ preset: 'resnet', blocks: [1, 1], width: 4 }, cifar(10));
      assert.ok(tappable.includes('stage1_block1_out') && tappable.includes('gap') && !tappable.includes('pool'));
    });

    it('refuses a depth outside the plans and flat inputs', () => {
      assert.throws(
        () => buildModel({ preset: 'vgg', depth: 12 } as never, cifar(10)),
        /vgg: depth must be one of 11, 13, 16, 19/,
      );
      assert.throws(() => buildModel({ preset: 'wrn', depth: 12 } as never, cifar(10)), /wrn: depth must be 6n\+4/);
      assert.throws(
        () => buildModel({ preset: 'resnet', depth: 18 }, { inputShape: [784], classes: 10, name: 'm', seed: 1 }),
        /preset "resnet" needs image inputs/,
      );
    });
  });
});
