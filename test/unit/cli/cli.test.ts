import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { updateRunMeta } from '../../../src/engine/store/runMeta';
import { tempDir } from '../engine/fixtures';
import { collect, startTs, writeSyntheticFile } from '../runner/processes';

const kd = (args: string[], cwd?: string) => collect(startTs('src/cli/main.ts', args, cwd));

describe('kd CLI', function () {
  this.timeout(300000);

  it('validate: exit 0 for a valid file, 2 with every problem for an invalid one', async () => {
    const dir = tempDir();
    const ok = await kd(['validate', writeSyntheticFile(dir)]);
    assert.strictEqual(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /valid/);
    const bad = path.join(dir, 'bad.kd.json');
    fs.writeFileSync(
      bad,
      '{\n  "data": { "dataset": "mnist" },\n  "student": { "preset": "mlp", "hidden": [4] },\n  "train": { "epochs": "ten" },\n  "distill": { "losses": [ { "type": "kld", "weight": 1 } ] }\n}\n',
    );
    const result = await kd(['validate', bad]);
    assert.strictEqual(result.code, 2);
    const lines = result.stdout.trim().split('\n');
    assert.ok(lines.length >= 2, result.stdout);
    assert.ok(
      lines.some((l) => /bad\.kd\.json:4:/.test(l) && /epochs/.test(l)),
      result.stdout,
    );
    assert.ok(
      lines.some((l) => /bad\.kd\.json:5:/.test(l) && /kld/.test(l)),
      result.stdout,
    );
    // A layer the model does not have is found before anything runs, at the name.
    const layer = path.join(dir, 'layer.kd.json');
    fs.writeFileSync(
      layer,
      '{\n  "data": { "dataset": "mnist" },\n  "teacher": { "preset": "mlp", "hidden": [8] },\n  "student": { "preset": "mlp", "hidden": [4] },\n  "distill": { "losses": [ { "type": "hint", "weight": 1, "teacherLayer": "nope", "studentLayer": "hidden_1" } ] }\n}\n',
    );
    const named = await kd(['validate', layer]);
    assert.strictEqual(named.code, 2, named.stdout);
    assert.match(
      named.stdout,
      /layer\.kd\.json:5:75 +error +\$\.distill\.losses\[0\]\.teacherLayer +hint: teacher layer "nope" not found; the teacher's layers are flatten, hidden_1, logits/,
    );
  });

  it('run, list, summary and compare share one run store', async () => {
    const dir = tempDir();
    const file = writeSyntheticFile(dir, 'cli.kd.json', {
      baseline: true,
      train: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
    });
    const run = await kd(['run', file, '--runs-dir', 'runs'], dir);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.match(run.stdout, /teacher/);
    assert.match(run.stdout, /baseline/);
    assert.match(run.stdout, /student \(distilled\)/);
    assert.match(run.stdout, /KD gain over baseline: ([+−]\d|0\.00 pts)/);
    const runDir = path.join(dir, 'runs', 'cli', fs.readdirSync(path.join(dir, 'runs', 'cli'))[0] ?? '');
    updateRunMeta(runDir, { name: 'wide T4', note: 'first try\nwith two lines' });
    const list = await kd(['list', '--runs-dir', 'runs'], dir);
    assert.strictEqual(list.code, 0);
    assert.match(list.stdout, /cli\s+\d{8}-\d{6}-[0-9a-f]{4}\s+wide T4\s+done.*first try with two lines/);
    const summary = await kd(['summary', runDir, '--json']);
    assert.strictEqual(JSON.parse(summary.stdout).status, 'done');
    const compare = await kd(['compare', runDir, runDir]);
    assert.strictEqual(compare.code, 0);
    assert.match(compare.stdout, /KD gain/);
    assert.match(compare.stdout, /[0-9a-f]{4}: wide T4 — first try with two lines/);
  });

  it("run --all runs notebook cells in order, reusing an earlier cell's model with fromCell", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'book.kd.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'book',
        seed: 4,
        backend: 'cpu',
        data: { dataset: 'synthetic', shape: [8], classes: 3, trainSize: 300, testSize: 90 },
        train: { epochs: 2, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 } },
        cells: [
          { name: 'teacher', student: { preset: 'mlp', hidden: [24] } },
          {
            name: 'kd',
            teacher: { fromCell: 'teacher' },
            student: { preset: 'mlp', hidden: [4] },
            distill: {
              losses: [
                { type: 'ce', weight: 0.5 },
                { type: 'kd', weight: 0.5, temperature: 4 },
              ],
            },
          },
        ],
      }),
    );
    const result = await kd(['run', file, '--all', '--runs-dir', 'runs'], dir);
    assert.strictEqual(result.code, 0, result.stderr);
    // The teacher cell's one model is the teacher it trains, in the progress and in its summary table.
    assert.deepStrictEqual(
      result.stderr.split('\n').filter((l) => /^stage \S+:/.test(l)),
      ['stage teacher: 2 epochs × 9 steps, losses ce', 'stage student: 2 epochs × 9 steps, losses ce + kd'],
    );
    assert.match(result.stderr, /^ {2}teacher epoch 1\/2: loss/m);
    const tables = result.stdout.split(/\n(?=book\.\S+ +run )/).filter((t) => t.trim());
    assert.match(tables[0], /^teacher +\d+\.\d+%/m);
    assert.doesNotMatch(tables[0], /^student/m);
    // The kd cell's reused teacher was not trained there: no epoch.
    assert.match(tables[1], /^teacher +\d+\.\d+% +— /m);
    assert.match(tables[1], /^student \(distilled\)/m);
    // Side by side, each run names its model; `kd list` says it the way the Runs view does.
    assert.match(result.stdout, /^model +teacher +student \(distilled\)$/m);
    const list = await kd(['list', '--runs-dir', 'runs'], dir);
    assert.match(list.stdout, /^book\.teacher .* done +teacher \d+\.\d+%/m);
    assert.match(list.stdout, /^book\.kd .* done +student \d+\.\d+%/m);
    assert.deepStrictEqual(fs.readdirSync(path.join(dir, 'runs')).sort(), ['book.kd', 'book.teacher']);
    // The kd cell measured the reused teacher instead of training it again.
    const kdRun = path.join(dir, 'runs', 'book.kd', fs.readdirSync(path.join(dir, 'runs', 'book.kd'))[0]);
    const summary = JSON.parse(fs.readFileSync(path.join(kdRun, 'summary.json'), 'utf8'));
    assert.strictEqual(summary.models.teacher.best.epoch, 0);
    assert.ok(!fs.existsSync(path.join(kdRun, 'checkpoints', 'teacher')), 'no teacher training in the kd cell');
    const teacherRun = path.join(
      dir,
      'runs',
      'book.teacher',
      fs.readdirSync(path.join(dir, 'runs', 'book.teacher'))[0],
    );
    const teacherSummary = JSON.parse(fs.readFileSync(path.join(teacherRun, 'summary.json'), 'utf8'));
    assert.strictEqual(
      summary.models.teacher.best.test,
      teacherSummary.models.student.best.test,
      'the same weights give the same test accuracy',
    );
  });

  it('exits 2 on an unknown cell and on a bad option', async () => {
    const dir = tempDir();
    const file = writeSyntheticFile(dir);
    const cell = await kd(['run', file, '--cell', 'nope', '--runs-dir', path.join(dir, 'runs')]);
    assert.strictEqual(cell.code, 2);
    assert.match(cell.stderr, /no cell named "nope"/);
    const option = await kd(['run', file, '--backend', 'quantum']);
    assert.strictEqual(option.code, 2);
  });

  it('reports an explicit backend that cannot load as a failed run with the reason', async () => {
    const dir = tempDir();
    const file = writeSyntheticFile(dir);
    const result = await kd(['run', file, '--backend', 'tensorflow', '--runs-dir', path.join(dir, 'runs')]);
    assert.strictEqual(result.code, 1);
    assert.match(result.stdout + result.stderr, /backend "tensorflow" cannot be used: not installed/);
  });
});
