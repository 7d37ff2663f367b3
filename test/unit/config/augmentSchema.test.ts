// The `data` contract of the vision datasets and augmentation as the validator sees it: the issue's
// format is valid as written, and a wrong op or a missing folder is reported at its place.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { validateExperimentText } from '../../../src/engine/config';
import { tempDir } from '../engine/fixtures';

function problems(data: object, dir = tempDir()): string[] {
  const file = path.join(dir, 'x.kd.json');
  const text = JSON.stringify({ data, student: { preset: 'mlp', hidden: [8] } }, null, 2);
  return validateExperimentText(text, file).map((p) => `${p.line} ${p.path} ${p.message}`);
}

describe('vision data in the experiment file', () => {
  it('accepts the format as the contract writes it', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'cifar-10-batches-bin'));
    fs.mkdirSync(path.join(dir, 'cifar-100-binary'));
    const augment = [
      { type: 'randomCrop', padding: 4 },
      { type: 'horizontalFlip' },
      { type: 'translate', pixels: 2 },
      { type: 'cutout', size: 8 },
      { type: 'mixup', alpha: 0.2 },
      { type: 'cutmix', alpha: 1.0 },
      { type: 'randomCrop', padding: 4, fill: 'reflect' },
      { type: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    ];
    assert.deepStrictEqual(problems({ dataset: 'cifar10', path: './cifar-10-batches-bin', augment }, dir), []);
    assert.deepStrictEqual(problems({ dataset: 'cifar100', path: './cifar-100-binary', labels: 'coarse' }, dir), []);
    assert.deepStrictEqual(problems({ dataset: 'fashion-mnist' }, dir), []);
    assert.deepStrictEqual(problems({ dataset: 'mnist', augment: [{ type: 'translate', pixels: 2 }] }, dir), []);
  });

  it('reports a bad op, a missing parameter and a missing folder at their places', () => {
    const found = problems({
      dataset: 'cifar10',
      path: './nowhere',
      augment: [{ type: 'randomCrop' }, { type: 'flip' }, { type: 'mixup', alpha: 0.2, beta: 1 }],
    });
    const text = found.join('\n');
    assert.match(
      text,
      /\$\.data\.path folder not found: \S*nowhere; download the binary version from https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html/,
    );
    assert.match(text, /\$\.data\.augment\[0\]\.padding required when type is "randomCrop"/);
    assert.match(text, /\$\.data\.augment\[1\]\.type .*randomCrop/);
    assert.match(text, /\$\.data\.augment\[2\]\S* .*beta/);
    assert.deepStrictEqual(
      problems({ dataset: 'cifar100', path: 'x', labels: 'medium' }).filter((p) => p.includes('labels')).length,
      1,
    );
  });
});
