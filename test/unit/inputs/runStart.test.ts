// What users hit once a run starts, said in words: a saved teacher that does not fit CSV or IDX data
// is an invalid experiment (exit 2, at the position of `teacher`), not a failed run with a
// broadcasting error; memory that runs out is named with the settings that size the run, never as
// "Invalid typed array length".
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { writeIdx } from '../../../src/engine/data';
import { saveModel } from '../../../src/engine/models/io';
import { readEvents } from '../../../src/engine/store/runStore';
import { isAllocationFailure } from '../../../src/engine/run/memoryFailure';
import { loadExperimentFile } from '../../../src/engine/config';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import { exitCodeOf } from '../../../src/engine/run/exitCodes';
import { collect, startTs } from '../runner/processes';
import { tempDir } from '../data/helpers';

const kd = (args: string[]) => collect(startTs('src/cli/main.ts', args));

/** Runs a file's experiment in this process, as `kd run` does. */
async function runFile(file: string, runsDir: string, memoryLimitGB?: number) {
  const [experiment] = (await loadExperimentFile(file, { memoryLimitGB })).experiments;
  assert.ok(experiment);
  return runExperiment(experiment, { runsDir });
}

/** A saved 10-class teacher taking 6 features. */
async function saveTeacher(dir: string): Promise<void> {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 10 })] });
  await saveModel(model, path.join(dir, 'teacher'));
  model.dispose();
}

function writeExperiment(dir: string, data: object): string {
  const file = path.join(dir, 'x.kd.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        backend: 'cpu',
        data,
        teacher: { load: './teacher/model.json' },
        student: { preset: 'mlp', hidden: [4] },
        distill: { losses: [{ type: 'kd', weight: 1 }] },
        train: { epochs: 1, batchSize: 8 },
      },
      null,
      2,
    ),
  );
  return file;
}

/** `x.kd.json:L:3  $.teacher  ` for the line that holds the teacher's key. */
function teacherPlace(file: string): string {
  const line =
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.startsWith('  "teacher"')) + 1;
  return `x.kd.json:${line}:3  $.teacher  `;
}

/** The run-end the run folder recorded. */
function runEnd(runsDir: string) {
  const experimentDir = path.join(runsDir, 'x');
  const [runId] = fs.readdirSync(experimentDir).filter((n) => !n.startsWith('.'));
  assert.ok(runId, `no run folder in ${experimentDir}`);
  return readEvents(path.join(experimentDir, runId)).find((e) => e.type === 'run-end');
}

describe('inputs: a run checks what only the data tells before it trains', function () {
  this.timeout(120000);
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('exits 2 at the position of teacher for a 10-class teacher on 4-class CSV data', async () => {
    const dir = tempDir();
    await saveTeacher(dir);
    const rows = Array.from({ length: 24 }, (_, i) => [i % 4, 1, 2, 3, 4, 5, i].join(','));
    fs.writeFileSync(path.join(dir, 'train.csv'), ['label,a,b,c,d,e,f', ...rows].join('\n') + '\n');
    const file = writeExperiment(dir, { dataset: 'csv', train: './train.csv', labelColumn: 'label' });
    const runsDir = path.join(dir, 'runs');
    const result = await kd(['run', file, '--runs-dir', runsDir]);
    assert.strictEqual(result.code, 2, result.stdout + result.stderr);
    assert.ok(result.stderr.includes(teacherPlace(file)), result.stderr);
    assert.match(result.stderr, /the model .*model\.json outputs 10 classes but the data has 4/);
    assert.doesNotMatch(result.stdout + result.stderr, /broadcast|Operands/);
    const end = runEnd(runsDir);
    assert.strictEqual(end?.type === 'run-end' && end.reason, 'invalid experiment');
  });

  it('exits 2 at the position of teacher for a teacher whose input does not fit IDX images', async () => {
    const dir = tempDir();
    await saveTeacher(dir);
    const count = 20;
    writeIdx(
      path.join(dir, 'images.idx'),
      [count, 3, 3],
      new Uint8Array(count * 9).map((_, i) => i % 251),
    );
    writeIdx(
      path.join(dir, 'labels.idx'),
      [count],
      Uint8Array.from({ length: count }, (_, i) => i % 10),
    );
    const file = writeExperiment(dir, { dataset: 'idx', trainImages: './images.idx', trainLabels: './labels.idx' });
    const { summary } = await runFile(file, path.join(dir, 'runs'));
    assert.strictEqual(summary.status, 'failed');
    assert.strictEqual(summary.reason, 'invalid experiment');
    assert.strictEqual(exitCodeOf(summary.status, summary.reason), 2);
    assert.ok(summary.error?.includes(teacherPlace(file)), summary.error);
    assert.match(
      summary.error ?? '',
      /the model .*model\.json takes inputs of shape \[6\] but the data's examples have shape \[3, 3, 1\]/,
    );
  });

  it('names the settings and the estimate when a buffer cannot be allocated, not "Invalid typed array length"', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.kd.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        backend: 'cpu',
        data: { dataset: 'synthetic', shape: [1000], classes: 4, trainSize: 10_000_000, testSize: 16 },
        student: { preset: 'mlp', hidden: [8] },
        train: { epochs: 1, batchSize: 16 },
      }),
    );
    // Raising the limit past what the machine has lets the run start: its first large buffer then fails.
    const { summary } = await runFile(file, path.join(dir, 'runs'), 100000);
    assert.strictEqual(summary.status, 'failed');
    assert.strictEqual(summary.reason, 'out of memory');
    const error = summary.error ?? '';
    assert.doesNotMatch(error, /Invalid typed array length|RangeError/);
    assert.match(error, /needs more memory than it could get/);
    assert.match(error, /estimated at about 37\.3 GB \(the training data: 37\.3 GB/);
    assert.match(error, /train\.batchSize \(now 16\)/);
  });

  it('recognises allocation failures by their kind and wording only', () => {
    assert.ok(isAllocationFailure(new RangeError('Invalid typed array length: 64000000000')));
    assert.ok(isAllocationFailure(new RangeError('Array buffer allocation failed')));
    assert.ok(isAllocationFailure(new Error('Aborted(). Build with -sASSERTIONS for more info.')));
    assert.ok(!isAllocationFailure(new RangeError('the probability must be in (0, 1), got 2')));
    assert.ok(!isAllocationFailure(new Error('Operands could not be broadcast together')));
  });
});
