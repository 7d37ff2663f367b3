// CRD inside a real run: the trainer hands it each batch's example indices and the training-set
// size, and the stage's checkpoint carries its memory banks, Z estimates and draw counter.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import { readEvents } from '../../../src/engine/store/runStore';
import { syntheticExperiment } from '../engine/fixtures';

describe('crd in a run', function () {
  this.timeout(300000);

  it('trains with CRD and checkpoints its state with the stage', async () => {
    const experiment = syntheticExperiment({
      baseline: false,
      distill: {
        scheme: 'offline',
        cacheTeacher: true,
        losses: [
          { type: 'ce', weight: 1 },
          { type: 'crd', weight: 0.8, feat: 8, nceK: 16, temperature: 0.1 },
        ],
      },
      train: { ...syntheticExperiment().train, epochs: 1 },
    });
    const runsDir = fs.mkdtempSync(path.join(path.dirname(experiment.sourceFile), 'runs-'));
    const { runDir, summary } = await runExperiment(experiment, { runsDir });
    assert.strictEqual(summary.status, 'done', summary.error);
    const steps = readEvents(runDir).filter((e) => e.type === 'step' && e.stage === 'student');
    assert.ok(steps.length > 0);
    for (const step of steps) {
      const value = (step as { losses: Record<string, number> }).losses['crd:hidden_1->hidden_1'];
      assert.ok(Number.isFinite(value) && value > 0, `crd value ${value}`);
    }
    // The terms' variables file: two embedding heads (student 6→8, teacher 32→8, with biases), then
    // the state: two memory banks of 256 training examples × 8, Z of both sides and the step count.
    const floats = 6 * 8 + 8 + 32 * 8 + 8 + 2 * 256 * 8 + 2 + 1;
    assert.strictEqual(fs.statSync(path.join(runDir, 'checkpoints', 'student', 'adapters.bin')).size, 4 * floats);
  });
});
