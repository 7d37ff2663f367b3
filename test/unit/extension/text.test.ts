import { strict as assert } from 'assert';
import {
  keyMetrics,
  outcomeText,
  progressText,
  runDescription,
  runsLensText,
  runTooltipMarkdown,
  shortError,
} from '../../../src/extension/text';
import type { RunInfo } from '../../../src/engine/store/runStore';
import { formatSummary } from '../../../src/cli/tables';
import { run, summary } from './fixtures';

describe('extension text', () => {
  it('describes live progress with the latest loss', () => {
    const progress = { stage: 'student', epoch: 2, epochs: 5, step: 10, stepsPerEpoch: 50, total: 0.5 };
    assert.equal(progressText(progress), 'student · epoch 2/5 · step 10/50 · loss 0.5000');
    assert.equal(progressText(progress, 0.42315), 'student · epoch 2/5 · step 10/50 · loss 0.4232');
    assert.equal(
      progressText({ stage: 'teacher', epoch: 1, epochs: 3, step: 0, stepsPerEpoch: 20 }),
      'teacher · epoch 1/3',
    );
    assert.equal(progressText(undefined), 'starting');
  });

  it('names the distilled student accuracy and the gain over the baseline', () => {
    assert.equal(keyMetrics(summary()), 'student 91.2% · +1.30 pts vs baseline');
    assert.equal(keyMetrics(summary({ kdGain: undefined })), 'student 91.2%');
    assert.equal(keyMetrics(undefined), '');
  });

  it('shows each status as a notebook-style outcome', () => {
    assert.equal(outcomeText(run({ summary: summary() })), '✓ done · student 91.2% · +1.30 pts vs baseline · 12s');
    assert.equal(
      outcomeText(
        run({
          status: 'running',
          progress: { stage: 'student', epoch: 1, epochs: 2, step: 3, stepsPerEpoch: 4, total: 1 },
        }),
        { loss: 0.25 },
      ),
      '⟳ running · student · epoch 1/2 · step 3/4 · loss 0.2500',
    );
    assert.equal(
      outcomeText(
        run({ status: 'stopped', progress: { stage: 'student', epoch: 3, epochs: 10, step: 1, stepsPerEpoch: 4 } }),
      ),
      '■ stopped after 2 of 10 epochs · resume it from the Runs view',
    );
    assert.equal(
      outcomeText(run({ status: 'failed', error: 'NaN loss at step 12\nstack...' })),
      '✗ failed: NaN loss at step 12',
    );
    assert.match(outcomeText(run({ status: 'failed', crashed: true })), /^✗ the runner exited without finishing/);
  });

  it('describes runs in the tree', () => {
    assert.equal(runDescription(run({ summary: summary() })), 'student 91.2% · +1.30 pts vs baseline');
    assert.equal(runDescription(run()), 'done');
    assert.equal(runDescription(run({ status: 'failed', crashed: true })), 'crashed');
    assert.equal(runDescription(run({ status: 'stopped' })), 'stopped');
  });

  it('counts runs and names the best student', () => {
    const a = run({ summary: summary() });
    const b = run({
      runId: 'b',
      summary: summary({ models: { ...summary().models, student: summary().models.student }, product: 'baseline' }),
    });
    const c = run({ runId: 'c', status: 'failed' });
    assert.equal(runsLensText([c]), '1 run');
    assert.equal(runsLensText([a, c]), '2 runs · best student 91.2%');
    // b's product is its baseline (0.899): the best stays a's 91.2%.
    assert.equal(runsLensText([b, a, c]), '3 runs · best student 91.2%');
  });

  it('shortens errors to their first line', () => {
    assert.equal(shortError('a\nb'), 'a');
    assert.equal(shortError('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
    assert.equal(shortError(undefined), 'unknown error');
  });

  it('puts the summary table in the tooltip and escapes names', () => {
    const md = runTooltipMarkdown(run({ experiment: 'nb.kd_T4', summary: summary() }));
    assert.match(md, /^\*\*nb\\\.kd\\_T4\*\* · run `20261123-201500-aaaa` · done/);
    assert.match(md, /\| \*\*student\*\* \(distilled\) \| 91\.20% \| 3 \| 90\.50% \| 500 \|/);
    assert.match(md, /\| teacher \| 95\.00% \| 3 \| 94\.00% \| 5,000 \|/);
    assert.match(md, /KD gain over baseline: \*\*\+1\.30 pts\*\*/);
    assert.match(md, /compression: 10\.0×/);
    // The speed-up is the summary's, or "within noise" where the summary says so (as the CLI and the panel say it).
    assert.match(md, /speed-up: 3\.00×/);
    const noisy = runTooltipMarkdown(run({ summary: summary({ speedup: undefined, speedupWithinNoise: true }) }));
    assert.match(noisy, /speed-up: within noise/);
    assert.equal(
      formatSummary(summary({ speedup: undefined, speedupWithinNoise: true }))
        .match(/speed-up: [^ ]+ ?\S*/g)
        ?.join('|'),
      'speed-up: within noise',
    );
    const failed = runTooltipMarkdown(run({ status: 'failed', error: 'out of memory' }));
    assert.match(failed, /Error: out of memory/);
  });

  it('says what a model is: a teacher cell trains a teacher, a reused teacher has no epoch, stops count completed epochs', () => {
    const models = summary().models;
    const teacherCell = summary({ models: { student: models.student }, product: 'student', kdGain: undefined });
    delete teacherCell.agreement;
    const alone = run({ summary: teacherCell });
    assert.equal(runDescription(alone), 'teacher 91.2%');
    assert.equal(runsLensText([alone]), '1 run · best teacher 91.2%');
    assert.match(outcomeText(alone), /^✓ done · teacher 91\.2%/);
    assert.doesNotMatch(runTooltipMarkdown(alone), /distilled/);
    const running = run({
      status: 'running',
      config: { teacher: undefined, distill: { scheme: 'offline' } } as unknown as RunInfo['config'],
      progress: { stage: 'student', epoch: 1, epochs: 8, step: 2, stepsPerEpoch: 4 },
    });
    assert.equal(runDescription(running), 'teacher · epoch 1/8 · step 2/4');
    // A distillation run keeps its words; its reused teacher (best epoch 0) shows no epoch.
    const reused = run({
      summary: summary({
        models: { ...models, teacher: { ...models.teacher, best: { ...models.teacher.best, epoch: 0 } } },
      }),
    });
    assert.equal(runDescription(reused), 'student 91.2% · +1.30 pts vs baseline');
    assert.match(runTooltipMarkdown(reused), /\| teacher \| [^|]+ \| — \|/);
    // 15 epochs finished, the 16th begun: "after 15", not "at 16".
    const stopped = run({
      status: 'stopped',
      progress: { stage: 'student', epoch: 16, epochs: 40, step: 3, stepsPerEpoch: 50 },
    });
    assert.equal(runDescription(stopped), 'stopped after 15 of 40 epochs');
    const atBoundary = run({
      status: 'stopped',
      progress: { stage: 'student', epoch: 15, epochs: 40, step: 50, stepsPerEpoch: 50 },
    });
    assert.equal(runDescription(atBoundary), 'stopped after 15 of 40 epochs');
  });
});
