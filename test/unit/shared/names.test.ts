import { strict as assert } from 'assert';
import { baseName, panelTitle } from '../../../src/shared/panelTitle';
import { baseStage, parseStage, roleOfStage } from '../../../src/shared/stages';

describe('shared stage names and panel titles', () => {
  it('parses stage names into model, family and number', () => {
    assert.equal(baseStage('student.kd'), 'student');
    assert.equal(baseStage('teacher'), 'teacher');
    assert.deepEqual(parseStage('teacher-2.warmup'), { family: 'teacher', index: 2 });
    assert.deepEqual(parseStage('baseline'), { family: 'baseline' });
    assert.equal(roleOfStage('peer-3'), 'peer');
    assert.equal(roleOfStage('generation-2.kd'), 'generation');
    assert.equal(roleOfStage('something-else'), 'student');
  });

  it('titles a panel the same way for the tab and the header', () => {
    assert.equal(panelTitle({ kind: 'run', runDir: '/w/runs/mnist/20260101-abc' }), 'Run 20260101-abc');
    assert.equal(panelTitle({ kind: 'file', file: 'C:\\w\\mnist.kd.json', cell: 'kd-T4' }), 'mnist · kd-T4');
    assert.equal(panelTitle({ kind: 'file', file: '/w/mnist.kd.json' }), 'mnist');
    assert.equal(panelTitle(undefined), 'Experiment');
    assert.equal(baseName('/a/b/'), 'b');
  });
});
