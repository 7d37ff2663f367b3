// A resumed run's duration is the time it ran in every part, not only the last: the time from each
// run-start to the last event written before the next one (a stop, a crash or a kill ends a part).
import type { RunEvent } from '../../protocol/events';

export interface EarlierParts {
  /** Milliseconds the run ran before this part. */
  ms: number;
  /** When the run first started, if it had started before. */
  firstStart?: string;
}

export function earlierParts(events: readonly RunEvent[]): EarlierParts {
  let ms = 0;
  let firstStart: string | undefined;
  let partStart: number | undefined;
  let last: number | undefined;
  const close = () => {
    if (partStart !== undefined && last !== undefined && last > partStart) ms += last - partStart;
  };
  for (const event of events) {
    const time = Date.parse(event.time);
    if (!Number.isFinite(time)) continue;
    if (event.type === 'run-start') {
      close();
      firstStart ??= event.time;
      partStart = time;
    }
    last = time;
  }
  close();
  return firstStart === undefined ? { ms } : { ms, firstStart };
}
