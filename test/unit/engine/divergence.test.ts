// The divergence guard: a loss that explodes without becoming NaN stops the run with advice.
import * as assert from 'assert';
import { checkDivergence } from '../../../src/engine/train/divergence';
import { runExperiment } from '../../../src/engine/run/runExperiment';
import { readRun } from '../../../src/engine/store/runStore';
import { syntheticExperiment, tempDir } from './fixtures';

describe('divergence guard', function () {
  this.timeout(120000);

  it('Adam at a learning rate of 1e6 fails the run with advice to lower the learning rate', async () => {
    const base = syntheticExperiment({ baseline: false });
    const { runDir, summary } = await runExperiment(
      { ...base, train: { ...base.train, optimizer: { ...base.train.optimizer, lr: 1e6 } } },
      { runsDir: tempDir() },
    );
    assert.strictEqual(summary.status, 'failed');
    assert.match(summary.error ?? '', /training diverged: the loss grew .* lower the learning rate \(now 1000000\)/);
    assert.strictEqual(readRun(runDir).status, 'failed');
  });

  it('trips beyond 10,000 times the first loss (floored at 1), not below', () => {
    assert.doesNotThrow(() => checkDivergence('s', 2.3, 2.3e4 - 1, 1, 5, 0.1));
    assert.throws(() => checkDivergence('s', 2.3, 2.3e4 + 1, 1, 5, 0.1), /diverged.*2\.30.*2\.30e\+4.*epoch 1, step 5/);
    // A first loss near zero: the floor keeps ordinary fluctuations from counting.
    assert.doesNotThrow(() => checkDivergence('s', 1e-6, 9999, 1, 5, 0.1));
    assert.throws(() => checkDivergence('s', 1e-6, 10001, 1, 5, 0.1), /diverged/);
    assert.throws(() => checkDivergence('s', 1, Number.NaN, 2, 1, 0.1), /became NaN.*lower the learning rate/);
  });
});
