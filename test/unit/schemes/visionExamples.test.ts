// The vision examples as shipped: each file validates, and its "smoke" cell runs end to end
// (teacher, distilled student and baseline, with augmentation and a live teacher) on a tiny folder
// of generated files in the dataset's real format placed where the example expects its data.
// The CIFAR nets keep their depth but run at width 1/8 here: at full width one ResNet-34 step on
// 18 images costs tens of seconds of CPU, more than the whole unit suite may spend on this issue.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadExperimentFile } from '../../../src/engine/config';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import type { RunEvent } from '../../../src/protocol/events';
import { writeCifar10, writeMnistIdx } from '../../data/datasetFiles';
import { tempDir } from '../engine/fixtures';

const ROOT = path.resolve(__dirname, '../../..');

function narrow<T>(spec: T): T {
  return spec && typeof spec === 'object' && 'preset' in spec ? { ...spec, width: 0.125 } : spec;
}

const EXAMPLES: { file: string; data: string; write: (dir: string) => void; cells: string[]; narrow?: boolean }[] = [
  {
    file: 'cifar10/resnet34-resnet18.kd.json',
    data: 'cifar-10-batches-bin',
    write: (dir) => void writeCifar10(dir, 4, 6),
    cells: ['teacher', 'baseline', 'kd', 'smoke'],
    narrow: true,
  },
  {
    file: 'cifar10/vgg19-vgg11.kd.json',
    data: 'cifar-10-batches-bin',
    write: (dir) => void writeCifar10(dir, 4, 6),
    cells: ['teacher', 'baseline', 'kd', 'smoke'],
    narrow: true,
  },
  {
    file: 'fashion-mnist/small-cnn.kd.json',
    data: 'fashion-mnist',
    write: (dir) => void writeMnistIdx(dir, 30, 10),
    cells: ['teacher', 'kd', 'smoke'],
  },
];

describe('vision examples: the smoke cells end to end on generated data', function () {
  this.timeout(600000);

  for (const example of EXAMPLES) {
    it(example.file, async () => {
      const dir = tempDir();
      const file = path.join(dir, path.basename(example.file));
      fs.copyFileSync(path.join(ROOT, 'examples', example.file), file);
      // The schema reference is relative to the examples folder; the copy does not need it.
      example.write(path.join(dir, example.data));
      const loaded = await loadExperimentFile(file);
      assert.deepStrictEqual(
        loaded.experiments.map((e) => e.cell),
        example.cells,
      );
      const full = loaded.experiments.find((e) => e.cell === 'kd');
      assert.ok(full && full.data.augment && full.data.augment.length >= 2, 'the recipe augments');
      const smoke = loaded.experiments.find((e) => e.cell === 'smoke');
      assert.ok(smoke);
      assert.strictEqual(smoke.train.epochs, 1);
      const events: RunEvent[] = [];
      const { summary } = await runExperiment(
        {
          ...smoke,
          backend: 'wasm',
          ...(example.narrow ? { teacher: narrow(smoke.teacher), student: narrow(smoke.student) } : {}),
        },
        { runsDir: path.join(dir, 'runs'), onEvent: (e) => events.push(e) },
      );
      assert.strictEqual(summary.status, 'done', summary.error);
      assert.deepStrictEqual(Object.keys(summary.models).sort(), ['baseline', 'student', 'teacher']);
      const samples = events.filter((e) => e.type === 'samples');
      assert.strictEqual(samples.length, 1, 'one samples event per run');
      const live = events.filter((e) => e.type === 'log' && /teacher runs on every augmented batch/.test(e.message));
      assert.strictEqual(live.length, 1, 'the live teacher is logged once');
    });
  }
});
