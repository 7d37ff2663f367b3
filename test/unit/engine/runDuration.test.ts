import { strict as assert } from 'assert';
import type { RunEvent } from '../../../src/protocol/events';
import { earlierParts } from '../../../src/engine/store/runDuration';

const at = (second: number, type: string): RunEvent =>
  ({ type, time: new Date(Date.UTC(2026, 11, 2, 12, 0, second)).toISOString() }) as unknown as RunEvent;

describe('the duration of a run in parts', () => {
  it('sums each part from its run-start to the last event before the next one', () => {
    const events = [
      at(0, 'run-start'),
      at(5, 'step'),
      at(10, 'run-end'), // stopped: 10 s
      at(100, 'run-start'),
      at(107, 'step'), // crashed: 7 s
      at(200, 'run-start'),
      at(203, 'step'), // the part before this resume: 3 s
    ];
    assert.deepEqual(earlierParts(events), { ms: 20_000, firstStart: events[0]?.time });
    assert.deepEqual(earlierParts([]), { ms: 0 });
  });
});
