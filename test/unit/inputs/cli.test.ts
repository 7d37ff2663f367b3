// `kd validate` on what users hit: a missing file and a teacher that does not fit the data get
// exit 2 and a position, not a raw ENOENT or "Operands could not be broadcast".
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { saveModel } from '../../../src/engine/models/io';
import { collect, startTs } from '../runner/processes';
import { tempDir } from '../config/helpers';

const kd = (args: string[]) => collect(startTs('src/cli/main.ts', args));

describe('inputs: kd validate on missing files and misfit teachers', function () {
  this.timeout(120000);

  it('exits 2 with a clear line for a missing file', async () => {
    const dir = tempDir();
    const result = await kd(['validate', path.join(dir, 'missing.kd.json')]);
    assert.strictEqual(result.code, 2, result.stderr);
    assert.match(result.stdout, /missing\.kd\.json:1:1 {2}error {2}\$ {2}file not found/);
    assert.doesNotMatch(result.stdout + result.stderr, /ENOENT/);
  });

  it('exits 2 at the position of teacher for a 10-class teacher on 4-class data', async () => {
    const dir = tempDir();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 10 })] });
    await saveModel(model, path.join(dir, 'teacher'));
    model.dispose();
    const file = path.join(dir, 'x.kd.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        {
          data: { dataset: 'synthetic', shape: [6], classes: 4, trainSize: 16, testSize: 8 },
          teacher: { load: './teacher/model.json' },
          student: { preset: 'mlp', hidden: [4] },
          distill: { losses: [{ type: 'kd', weight: 1 }] },
        },
        null,
        2,
      ),
    );
    const result = await kd(['validate', file]);
    assert.strictEqual(result.code, 2, result.stderr);
    assert.match(
      result.stdout,
      /x\.kd\.json:11:3 {2}error {2}\$\.teacher {2}the model .*model\.json outputs 10 classes but the data has 4/,
    );
  });
});
