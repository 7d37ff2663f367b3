import { strict as assert } from 'assert';
import { cellRanges } from '../../../src/engine/config';
import { COMMANDS } from '../../../src/extension/commandIds';
import { buildLenses, type ActiveRun } from '../../../src/extension/editor/lensModel';
import { buildOutcomes } from '../../../src/extension/editor/outcomeModel';
import { cellReuses } from '../../../src/extension/editor/cellReuses';
import { run, summary } from './fixtures';

const NOTEBOOK = `{
  "name": "nb",
  "cells": [
    { "name": "teacher", "student": { "preset": "mlp", "hidden": [8] } },
    {
      "name": "kd",
      "teacher": { "fromCell": "teacher" }
    }
  ]
}
`;
const SINGLE = '{\n  "name": "one"\n}\n';

const none = { runsOf: () => [], activeOf: () => undefined };

describe('CodeLens model', () => {
  it('puts Run All above a notebook and Start above each cell', () => {
    const lenses = buildLenses({
      file: '/ws/nb.kd.json',
      ranges: cellRanges(NOTEBOOK).map((r) => ({ ...r, line: r.line - 1 })),
      ...none,
    });
    assert.deepEqual(
      lenses.map((l) => [l.line, l.title]),
      [
        [0, '▶ Run All'],
        [0, 'Show Architecture'],
        [3, '▶ Start Distillation'],
        [3, 'Show Architecture'],
        [4, '▶ Start Distillation'],
        [4, 'Show Architecture'],
      ],
    );
    assert.deepEqual([lenses[0].command, lenses[0].args], [COMMANDS.runAll, [{ file: '/ws/nb.kd.json' }]]);
    assert.deepEqual([lenses[4].command, lenses[4].args], [COMMANDS.start, [{ file: '/ws/nb.kd.json', cell: 'kd' }]]);
    assert.deepEqual(
      [lenses[5].command, lenses[5].args],
      [COMMANDS.showPanel, [{ file: '/ws/nb.kd.json', cell: 'kd' }]],
    );
  });

  it('puts Start above a single-experiment file, with its runs', () => {
    const runs = [run({ dir: '/r/2', summary: summary() }), run({ dir: '/r/1', status: 'failed' })];
    const lenses = buildLenses({
      file: '/ws/one.kd.json',
      ranges: cellRanges(SINGLE),
      runsOf: (cell) => (cell === undefined ? runs : []),
      activeOf: () => undefined,
    });
    assert.deepEqual(
      lenses.map((l) => l.title),
      ['▶ Start Distillation', 'Show Architecture', '2 runs · best student 91.2%'],
    );
    assert.deepEqual(lenses[0].args, [{ file: '/ws/one.kd.json' }]);
    assert.deepEqual([lenses[2].command, lenses[2].args], [COMMANDS.compareRuns, [['/r/2', '/r/1']]]);
  });

  it('shows progress and Stop while a cell runs, Cancel while it waits', () => {
    const active: Record<string, ActiveRun> = {
      teacher: {
        state: 'running',
        jobId: 4,
        runDir: '/r/t',
        progress: { stage: 'student', epoch: 2, epochs: 5, step: 3, stepsPerEpoch: 9 },
        loss: 0.5,
      },
      kd: { state: 'queued', jobId: 5 },
    };
    const lenses = buildLenses({
      file: '/ws/nb.kd.json',
      ranges: cellRanges(NOTEBOOK),
      runsOf: () => [],
      activeOf: (cell) => (cell ? active[cell] : undefined),
    });
    const titles = lenses.map((l) => l.title);
    assert.deepEqual(titles.slice(2), [
      '$(sync~spin) student · epoch 2/5 · step 3/9 · loss 0.5000',
      '■ Stop',
      'Show Architecture',
      '$(clock) queued',
      '■ Cancel',
      'Show Architecture',
    ]);
    assert.deepEqual(lenses[2].args, [{ runDir: '/r/t' }]);
    assert.deepEqual([lenses[3].command, lenses[3].args], [COMMANDS.stop, [{ jobId: 4 }]]);
    assert.deepEqual(lenses[6].args, [{ jobId: 5 }]);
  });
});

describe('inline outcome model', () => {
  it("places each cell's latest outcome at the end of the cell", () => {
    const ranges = cellRanges(NOTEBOOK);
    const latest = run({ summary: summary() });
    const outcomes = buildOutcomes(ranges, {
      runsOf: (cell) => (cell === 'teacher' ? [latest, run({ status: 'failed' })] : []),
      activeOf: (cell) => (cell === 'kd' ? { state: 'queued', jobId: 1 } : undefined),
    });
    assert.deepEqual(
      outcomes.map((o) => [o.cell, o.tone, o.text]),
      [
        ['teacher', 'done', '✓ done · student 91.2% · +1.30 pts vs baseline · 12s'],
        ['kd', 'queued', '… queued'],
      ],
    );
    // Just past each cell's closing brace.
    assert.equal(NOTEBOOK.slice(outcomes[0].endOffset - 1, outcomes[0].endOffset + 1), '},');
    assert.equal(NOTEBOOK.slice(outcomes[1].endOffset - 1, outcomes[1].endOffset), '}');
    assert.equal(NOTEBOOK.slice(0, outcomes[1].endOffset).split('\n').length, 8);
  });

  it('uses the file itself when it has no cells, and live progress when running', () => {
    const outcomes = buildOutcomes(cellRanges(SINGLE), {
      runsOf: () => [],
      activeOf: () => ({
        state: 'running',
        jobId: 1,
        progress: { stage: 'teacher', epoch: 1, epochs: 2, step: 0, stepsPerEpoch: 4 },
      }),
    });
    assert.deepEqual(
      outcomes.map((o) => [o.cell, o.text, o.endOffset]),
      [[undefined, '⟳ running · teacher · epoch 1/2', SINGLE.length - 1]],
    );
    assert.deepEqual(buildOutcomes(cellRanges(SINGLE), { runsOf: () => [], activeOf: () => undefined }), []);
  });

  it('tolerates text that does not parse', () => {
    assert.deepEqual(
      buildOutcomes(cellRanges('{ "cells": [ { "name": '), { runsOf: () => [run()], activeOf: () => undefined }).length,
      1,
    );
    assert.deepEqual(buildLenses({ file: '/x', ranges: cellRanges(''), ...none }), []);
  });
});

describe('CodeLens model: the order of work and resuming', () => {
  const file = '/ws/nb.kd.json';
  const ranges = cellRanges(NOTEBOOK).map((r) => ({ ...r, line: r.line - 1 }));
  const reuses = cellReuses(NOTEBOOK);
  const reusesOf = (cell: string) => reuses.get(cell) ?? [];

  it('reads which cells a cell reuses from the text', () => {
    assert.deepEqual(
      [...reuses],
      [
        ['teacher', []],
        ['kd', ['teacher']],
      ],
    );
  });

  it('offers to run a reused cell first while it has no finished run, Start once it has', () => {
    const before = buildLenses({ file, ranges, ...none, reusesOf });
    const kd = before.find((l) => l.line === 4);
    assert.deepEqual(
      [kd?.title, kd?.command, kd?.args],
      ['▶ Run teacher first', COMMANDS.start, [{ file, cell: 'kd', first: true }]],
    );
    const teacherRuns = [run({ dir: '/r/t1', status: 'done', summary: summary() })];
    const after = buildLenses({
      file,
      ranges,
      runsOf: (cell) => (cell === 'teacher' ? teacherRuns : []),
      activeOf: () => undefined,
      reusesOf,
    });
    assert.equal(after.find((l) => l.line === 4)?.title, '▶ Start Distillation');
    // Queued or running, the teacher will be there in time: the cell's run waits for it.
    const queued = buildLenses({
      file,
      ranges,
      runsOf: () => [],
      activeOf: (cell) => (cell === 'teacher' ? ({ state: 'queued', jobId: 1 } as ActiveRun) : undefined),
      reusesOf,
    });
    assert.equal(queued.find((l) => l.line === 4)?.title, '▶ Start Distillation');
  });

  it('offers Resume on the latest run only where resuming can succeed', () => {
    const stopped = run({ dir: '/r/s', status: 'stopped' });
    const failed = run({ dir: '/r/f', status: 'failed', error: 'teacher layer "x" not found' });
    const lensesFor = (latest: ReturnType<typeof run>) =>
      buildLenses({
        file,
        ranges,
        runsOf: (cell) => (cell === 'teacher' ? [latest] : []),
        activeOf: () => undefined,
        resumable: (r) => r.status === 'stopped',
      }).filter((l) => l.line === 3 && l.command === COMMANDS.resume);
    assert.deepEqual(
      lensesFor(stopped).map((l) => [l.title, l.args]),
      [['$(debug-continue) Resume', [{ runDir: '/r/s' }]]],
    );
    assert.deepEqual(lensesFor(failed), []);
  });
});
