// Mocha's spec output, plus a counts file (KD_TEST_RESULTS=path) that scripts/test-all.sh sums
// into the one "N passed, N failed" line CI reads.
'use strict';
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.KD_TEST_RESULTS;
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const { passes, failures, pending } = runner.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending }) + '\n');
    });
  }
}
module.exports = CountingReporter;
