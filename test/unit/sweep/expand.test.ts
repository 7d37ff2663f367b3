import { strict as assert } from 'assert';
import * as path from 'path';
import { analyseExperimentText } from '../../../src/engine/config';
import { countSweepRuns } from '../../../src/engine/sweep/expand';
import { parseSweepPath } from '../../../src/engine/sweep/paths';
import { tempDir } from '../config/helpers';

const BASE = `{
  "data": { "dataset": "synthetic", "shape": [8], "classes": 3, "trainSize": 60, "testSize": 30 },
  "teacher": { "preset": "mlp", "hidden": [16] },
  "student": { "preset": "mlp", "hidden": [4] },
  "distill": { "losses": [ { "type": "ce", "weight": 0.5 }, { "type": "kd", "weight": 0.5 } ] },
  "seed": 7,
`;

function analyse(sweep: string, extra = '') {
  const file = path.join(tempDir(), 'sw.kd.json');
  return analyseExperimentText(file, `${BASE}${extra}  "sweep": ${sweep}\n}\n`);
}

describe('sweep expansion', () => {
  it('parses paths with dots and [i]', () => {
    assert.deepEqual(parseSweepPath('distill.losses[1].temperature'), ['distill', 'losses', 1, 'temperature']);
    assert.deepEqual(parseSweepPath('student.hidden'), ['student', 'hidden']);
    assert.equal(parseSweepPath('a..b'), undefined);
    assert.equal(parseSweepPath('.a'), undefined);
    assert.equal(parseSweepPath('a[x]'), undefined);
  });

  it('expands a grid as a cartesian product (first path slowest) times the seeds', () => {
    const { file, problems } = analyse(
      `{ "grid": { "distill.losses[1].temperature": [2, 4, 8], "student.hidden": [[4], [6]] }, "seeds": [1, 2] }`,
    );
    assert.deepEqual(problems, []);
    const plan = file!.sweeps!.sw;
    assert.equal(plan.points.length, 12);
    assert.equal(plan.settings, 6);
    assert.equal(plan.line, 7);
    assert.deepEqual(plan.points[0].params, { 'distill.losses[1].temperature': 2, 'student.hidden': [4] });
    assert.deepEqual(plan.points[3].params, { 'distill.losses[1].temperature': 2, 'student.hidden': [6] });
    assert.deepEqual(
      plan.points.slice(0, 4).map((p) => [p.index, p.setting, p.seed]),
      [
        [0, 0, 1],
        [1, 0, 2],
        [2, 1, 1],
        [3, 1, 2],
      ],
    );
    const last = plan.points[11].experiment;
    assert.equal(last.seed, 2);
    assert.deepEqual(last.distill.losses[1], {
      type: 'kd',
      weight: 0.5,
      temperature: 8,
      scaleByTemperatureSquared: true,
    });
    assert.deepEqual(last.student, { preset: 'mlp', hidden: [6] });
    // The experiment the file describes is unchanged.
    assert.equal(file!.experiments[0].seed, 7);
    assert.equal(countSweepRuns({ grid: { a: [1, 2, 3], b: [[4], [6]] }, seeds: [1, 2] }), 12);
  });

  it('draws random points reproducibly from sweepSeed, within their ranges, and sweeps defaulted values', () => {
    const sweep = `{ "random": { "samples": 5, "sweepSeed": 3, "space": {
      "train.optimizer.lr": { "logUniform": [0.0003, 0.01] },
      "distill.losses[0].weight": { "uniform": [0.05, 0.5] },
      "distill.losses[1].temperature": { "choice": [2, 4, 8] } } }, "repeats": 2 }`;
    const a = analyse(sweep).file!.sweeps!.sw;
    const b = analyse(sweep).file!.sweeps!.sw;
    assert.equal(a.points.length, 10);
    assert.deepEqual(
      a.points.map((p) => p.params),
      b.points.map((p) => p.params),
    );
    assert.deepEqual([...new Set(a.points.map((p) => p.seed))], [1, 2]);
    for (const point of a.points) {
      const lr = point.params['train.optimizer.lr'] as number;
      assert.ok(lr >= 0.0003 && lr <= 0.01);
      assert.equal(point.experiment.train.optimizer.lr, lr);
      assert.equal(point.experiment.train.optimizer.type, 'adam');
      const w = point.params['distill.losses[0].weight'] as number;
      assert.ok(w >= 0.05 && w <= 0.5);
      assert.ok([2, 4, 8].includes(point.params['distill.losses[1].temperature'] as number));
    }
    assert.equal(new Set(a.points.map((p) => p.params['train.optimizer.lr'])).size, 5);
    const other = analyse(sweep.replace('"sweepSeed": 3', '"sweepSeed": 4')).file!.sweeps!.sw;
    assert.notDeepEqual(
      other.points.map((p) => p.params),
      a.points.map((p) => p.params),
    );
  });

  it('without seeds or repeats, runs the experiment seed; grid × random combine', () => {
    const plan = analyse(
      `{ "grid": { "student.hidden": [[4], [5]] }, "random": { "samples": 3, "space": { "train.optimizer.lr": { "uniform": [0.001, 0.01] } } } }`,
    ).file!.sweeps!.sw;
    assert.equal(plan.points.length, 6);
    assert.deepEqual(plan.seeds, [7]);
  });

  it('a path that does not exist is an error at its key, with the nearest existing path', () => {
    const { file, problems } = analyse(`{ "grid": { "distill.losses[1].temprature": [2, 4] } }`);
    assert.equal(file, undefined);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 7);
    assert.match(problems[0].message, /"distill\.losses\[1\]\.temprature" does not exist/);
    assert.match(problems[0].message, /nearest existing path: "distill\.losses\[1\]\.temperature"/);
  });

  it('a point that fails validation names the file, the line of the sweep key, the point and the problem', () => {
    const { problems } = analyse(`{
    "grid": { "distill.losses[1].temperature": [4, -1] } }`);
    assert.equal(problems.length, 1);
    const [p] = problems;
    assert.ok(p.file.endsWith('sw.kd.json'));
    assert.equal(p.line, 7);
    assert.match(p.message, /sweep point 2 of 2 \(distill\.losses\[1\]\.temperature = -1\)/);
    assert.match(p.message, /distill\.losses\[1\]\.temperature/);
  });

  it('the schema checks the sweep block itself, and the seed is swept with seeds', () => {
    const bad = analyse(`{ "grid": { "student.hidden": [] }, "seeds": [1], "repeats": 2 }`).problems;
    assert.ok(bad.length >= 1);
    assert.ok(bad.every((p) => p.path.startsWith('$.sweep')));
    const seed = analyse(`{ "grid": { "seed": [1, 2] } }`).problems;
    assert.match(seed[0].message, /"seeds" or "repeats"/);
  });

  it('a cell may hold a sweep; a top-level sweep in a notebook is an error', () => {
    const dir = tempDir();
    const text = `{ "data": { "dataset": "synthetic", "shape": [8], "classes": 3, "trainSize": 60, "testSize": 30 },
      "cells": [ { "name": "kd", "teacher": { "preset": "mlp", "hidden": [16] }, "student": { "preset": "mlp", "hidden": [4] },
        "distill": { "losses": [{ "type": "kd", "weight": 1 }] },
        "sweep": { "grid": { "train.epochs": [1, 2] }, "repeats": 3 } } ] }`;
    const { file, problems } = analyseExperimentText(path.join(dir, 'nb.kd.json'), text);
    assert.deepEqual(problems, []);
    assert.equal(file!.sweeps!['nb.kd'].points.length, 6);
    assert.equal(file!.sweeps!['nb.kd'].cell, 'kd');
    const top = analyseExperimentText(
      path.join(dir, 'nb.kd.json'),
      text.replace('"cells"', '"sweep": { "repeats": 2 }, "cells"'),
    );
    assert.match(top.problems[0].message, /belongs in the cell/);
  });
});
