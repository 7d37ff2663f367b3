import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RunEvent } from '../../../src/protocol/events';
import { EventsTail } from '../../../src/extension/panel/eventsTail';
import { findLayer, specPath } from '../../../src/extension/panel/layerLocation';
import { newestRunOf, runsOfExperiment, sameExperiment } from '../../../src/extension/panel/runLookup';
import { exportBytes, exportFileName } from '../../../src/extension/panel/exportData';
import { contentSecurityPolicy } from '../../../src/extension/panel/csp';
import { CONFIG_FILE, EVENTS_FILE } from '../../../src/engine/store/runStore';

const time = '2025-01-01T00:00:00.000Z';

function line(event: RunEvent): string {
  return JSON.stringify(event) + '\n';
}

describe('events tail', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-tail-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('returns each appended event once and holds a partly written line for the next read', () => {
    const tail = new EventsTail(dir);
    assert.deepStrictEqual(tail.read(), [], 'no file yet');
    const file = path.join(dir, EVENTS_FILE);
    const log = (message: string): RunEvent => ({ type: 'log', time, level: 'info', message });
    fs.writeFileSync(file, line(log('a')) + line(log('b')));
    assert.deepStrictEqual(
      tail.read().map((e) => (e as { message: string }).message),
      ['a', 'b'],
    );
    assert.deepStrictEqual(tail.read(), []);
    const third = line(log('c'));
    fs.appendFileSync(file, third.slice(0, 10));
    assert.deepStrictEqual(tail.read(), [], 'the line is not complete yet');
    fs.appendFileSync(file, third.slice(10) + line(log('d')));
    assert.deepStrictEqual(
      tail.read().map((e) => (e as { message: string }).message),
      ['c', 'd'],
    );
    tail.reset();
    assert.strictEqual(tail.read().length, 4, 'a reset reads everything again');
  });

  it('starts over when the file was replaced by a shorter one', () => {
    const tail = new EventsTail(dir);
    const file = path.join(dir, EVENTS_FILE);
    fs.writeFileSync(file, line({ type: 'log', time, level: 'info', message: 'a long first message' }));
    tail.read();
    fs.writeFileSync(file, line({ type: 'run-end', time, status: 'done' }));
    assert.deepStrictEqual(
      tail.read().map((e) => e.type),
      ['run-end'],
    );
  });
});

describe('layer location in a .kd.json', () => {
  const text = `{
  // comments are allowed
  "teacher": { "layers": [
    { "type": "dense", "units": 64, "name": "wide" },
    { "type": "dense", "units": 10 }
  ] },
  "student": { "preset": "mlp", "hidden": [8] },
  "cells": [
    { "name": "a", "student": { "layers": [ { "type": "conv2d", "filters": 4, "kernelSize": 3 }, { "type": "flatten" } ] } },
    { "name": "b" }
  ]
}`;
  const slice = (loc: { offset: number; length: number } | undefined) =>
    loc ? text.slice(loc.offset, loc.offset + loc.length) : undefined;

  it('finds a named layer of a layer list', () => {
    const loc = findLayer(text, { stage: 'teacher', layer: 'wide', index: 0 });
    assert.strictEqual(slice(loc), '{ "type": "dense", "units": 64, "name": "wide" }');
    assert.strictEqual(loc?.exact, true);
  });

  it('finds an unnamed layer by its position, in a cell', () => {
    const loc = findLayer(text, { cell: 'a', stage: 'student', layer: 'flatten_1', index: 1 });
    assert.strictEqual(slice(loc), '{ "type": "flatten" }');
  });

  it('falls back to the model spec for presets, inherited specs and appended logits', () => {
    assert.strictEqual(
      slice(findLayer(text, { stage: 'baseline', layer: 'hidden_1', index: 0 })),
      '{ "preset": "mlp", "hidden": [8] }',
    );
    // Cell b inherits the top-level student.
    assert.strictEqual(findLayer(text, { cell: 'b', stage: 'student', layer: 'logits', index: 1 })?.exact, false);
    // The logits layer appended after cell a's list has no object: the list is shown.
    const logits = findLayer(text, { cell: 'a', stage: 'student', layer: 'logits', index: 2 });
    assert.ok(slice(logits)?.startsWith('[ { "type": "conv2d"'));
    assert.strictEqual(findLayer(text, { cell: 'missing', stage: 'student', layer: 'x', index: 0 }), undefined);
  });

  it('maps stage names to the spec that builds them', () => {
    assert.deepStrictEqual(specPath('teacher'), ['teacher']);
    assert.deepStrictEqual(specPath('student.hint'), ['student']);
    assert.deepStrictEqual(specPath('peer-1'), ['student']);
    assert.deepStrictEqual(specPath('peer-3'), ['distill', 'peers', 1]);
    assert.deepStrictEqual(specPath('assistant-2'), ['distill', 'assistants', 1]);
    assert.deepStrictEqual(specPath('teacher-2'), ['distill', 'teachers', 1]);
    assert.deepStrictEqual(specPath('generation-2'), ['student']);
    assert.deepStrictEqual(specPath('round-2'), ['distill', 'students', 1]);
    // A Noisy Student round without distill.students is built from the student.
    const text = '{ "student": { "layers": [ { "type": "dense", "name": "h", "units": 4 } ] } }';
    const found = findLayer(text, { stage: 'round-2', layer: 'h', index: 0 });
    assert.strictEqual(found?.exact, true);
    assert.strictEqual(
      text.slice(found.offset, found.offset + found.length),
      '{ "type": "dense", "name": "h", "units": 4 }',
    );
    const own =
      '{ "student": { "preset": "mlp", "hidden": [4] }, "distill": { "students": [ { "preset": "mlp", "hidden": [8] } ] } }';
    const first = findLayer(own, { stage: 'round-1', layer: 'dense_1', index: 0 });
    assert.strictEqual(
      first && own.slice(first.offset, first.offset + first.length),
      '{ "preset": "mlp", "hidden": [8] }',
    );
  });
});

describe('runs of an experiment', () => {
  let runs: string;
  beforeEach(() => {
    runs = fs.mkdtempSync(path.join(os.tmpdir(), 'kd-runs-'));
  });
  afterEach(() => fs.rmSync(runs, { recursive: true, force: true }));

  function makeRun(experiment: string, runId: string, sourceFile: string, cell?: string): string {
    const dir = path.join(runs, experiment, runId);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, CONFIG_FILE), JSON.stringify({ name: experiment, sourceFile, cell }));
    fs.writeFileSync(path.join(dir, EVENTS_FILE), line({ type: 'run-end', time, status: 'done' }));
    return dir;
  }

  it('finds the newest run of a file’s cell and every run of an experiment', () => {
    const file = path.join(runs, 'x.kd.json');
    makeRun('x.a', '20250101-000000-0001', file, 'a');
    const newer = makeRun('x.a', '20250102-000000-0002', file, 'a');
    makeRun('x.b', '20250103-000000-0003', file, 'b');
    makeRun('y', '20250104-000000-0004', path.join(runs, 'y.kd.json'));
    assert.strictEqual(newestRunOf(runs, file, 'a')?.dir, newer);
    assert.strictEqual(
      newestRunOf(runs, file, undefined),
      undefined,
      'the file has cells: no run is of the file itself',
    );
    assert.strictEqual(runsOfExperiment(runs, 'x.a').length, 2);
    assert.ok(sameExperiment({ sourceFile: path.join(runs, '.', 'x.kd.json'), cell: 'b' }, file, 'b'));
    assert.ok(!sameExperiment({ sourceFile: file }, file, 'b'));
  });
});

describe('exports and CSP', () => {
  it('accepts a real PNG and refuses anything else claiming to be one', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    assert.deepStrictEqual(
      exportBytes({ type: 'export', id: 1, format: 'png', fileName: 'a.png', data: png.toString('base64') }),
      png,
    );
    assert.throws(
      () =>
        exportBytes({
          type: 'export',
          id: 2,
          format: 'png',
          fileName: 'a.png',
          data: Buffer.from('<svg>').toString('base64'),
        }),
      /not a PNG/,
    );
    assert.strictEqual(
      exportBytes({ type: 'export', id: 1, format: 'csv', fileName: 'a.csv', data: 'a,b\n' }).toString(),
      'a,b\n',
    );
  });

  it('keeps only a plain file name with the right extension', () => {
    assert.strictEqual(
      exportFileName({ type: 'export', id: 1, format: 'csv', fileName: '../../etc/passwd', data: '' }),
      'passwd.csv',
    );
    assert.strictEqual(
      exportFileName({ type: 'export', id: 1, format: 'png', fileName: 'loss chart.png', data: '' }),
      'loss_chart.png',
    );
  });

  it('allows scripts only with the nonce and nothing remote', () => {
    const csp = contentSecurityPolicy('https://webview.source', 'abc');
    assert.ok(csp.startsWith("default-src 'none'"));
    assert.ok(csp.includes("script-src 'nonce-abc'"));
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !csp.includes('*'));
  });
});
