import { strict as assert } from 'assert';
import type { Experiment } from '../../../src/engine/config/types';
import { sharedTeachers, teacherKey } from '../../../src/engine/sweep/teacherKeys';
import { syntheticExperiment } from '../engine/fixtures';

describe('sweeps: the identity of a teacher trained in the run', () => {
  const base = syntheticExperiment();
  const key = (e: Experiment) => teacherKey(e, 'teacher', e.teacher!, 'cpu');
  const withLr = (e: Experiment, lr: number): Experiment => ({
    ...e,
    train: { ...e.train, optimizer: { ...e.train.optimizer, lr } },
  });

  it('depends on what trains the teacher (seed, budget, data, backend), not on the student or the KD settings', () => {
    const hotter: Experiment = {
      ...base,
      distill: { ...base.distill, losses: [base.distill.losses[0]!, { ...base.distill.losses[1]!, weight: 0.9 }] },
      student: { preset: 'mlp', hidden: [9] },
    };
    assert.equal(key(hotter), key(base));
    assert.notEqual(key({ ...base, seed: base.seed + 1 }), key(base));
    assert.notEqual(key(withLr(base, 0.02)), key(base));
    assert.notEqual(key({ ...base, data: { ...base.data, validationSplit: 0.3 } }), key(base));
    assert.notEqual(teacherKey(base, 'teacher', base.teacher!, 'wasm'), key(base));
    // A teacher with its own optimizer does not change with the experiment's learning rate.
    const optimizer = { ...base.train.optimizer, lr: 0.005 };
    const own: Experiment = { ...base, teacher: { preset: 'mlp', hidden: [32], train: { optimizer } } };
    assert.equal(key(withLr(own, 0.02)), key(own));
  });

  it('names the teachers a scheme trains: the offline teacher, each multi-teacher teacher; none when loaded', () => {
    assert.deepEqual(Object.keys(sharedTeachers(base, 'cpu')), ['teacher']);
    assert.deepEqual(sharedTeachers({ ...base, teacher: { load: '/models/t/model.json' } }, 'cpu'), {});
    const multi: Experiment = {
      ...base,
      distill: {
        ...base.distill,
        scheme: 'multiTeacher',
        teachers: [{ preset: 'mlp', hidden: [32] }, { fromCell: 'teacher' }, { preset: 'mlp', hidden: [32] }],
      },
    };
    const teachers = sharedTeachers(multi, 'cpu');
    assert.deepEqual(Object.keys(teachers), ['teacher-1', 'teacher-3']);
    // Same config, different stage: different initial weights, so different teachers.
    assert.notEqual(teachers['teacher-1']!.key, teachers['teacher-3']!.key);
    assert.deepEqual(sharedTeachers({ ...base, distill: { ...base.distill, scheme: 'online' } }, 'cpu'), {});
  });
});
