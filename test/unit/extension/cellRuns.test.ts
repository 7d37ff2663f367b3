import { strict as assert } from 'assert';
import * as path from 'path';
import { runsOfCell } from '../../../src/extension/editor/cellRuns';
import { config, run, summary } from './fixtures';

describe('runs of a cell', () => {
  const file = path.resolve('/ws/nb.kd.json');
  const teacher = run({ runId: '3', config: config(file, 'teacher') });
  const kd = run({ runId: '2', config: config(file, 'kd') });
  const other = run({ runId: '1', config: config(path.resolve('/ws/other.kd.json'), 'kd') });
  const single = run({ runId: '0', config: config(path.resolve('/ws/one.kd.json')) });
  // A run whose config could not be read still counts through its summary.
  const summaryOnly = run({ runId: '4', summary: summary({ sourceFile: file, cell: 'kd' }) });

  it('matches the source file and the cell recorded with each run', () => {
    const runs = [summaryOnly, teacher, kd, other, single];
    assert.deepEqual(
      runsOfCell(runs, file, 'kd').map((r) => r.runId),
      ['4', '2'],
    );
    assert.deepEqual(
      runsOfCell(runs, file, 'teacher').map((r) => r.runId),
      ['3'],
    );
    assert.deepEqual(
      runsOfCell(runs, file, undefined).map((r) => r.runId),
      [],
    );
    assert.deepEqual(
      runsOfCell(runs, '/ws/./one.kd.json', undefined).map((r) => r.runId),
      ['0'],
    );
  });

  it('ignores runs that record no source', () => {
    assert.deepEqual(runsOfCell([run()], file, undefined), []);
  });
});
