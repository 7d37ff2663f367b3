// Which queued runs may start: first come first served, at most `max` at once, and a run that
// depends on another (the next cell of "Run All") waits for it and is dropped if it did not succeed.

export interface Queued {
  readonly id: number;
  /** The job that must finish successfully before this one starts. */
  readonly after?: number;
}

export class RunQueue<T extends Queued> {
  private readonly waiting: T[] = [];
  private readonly running = new Set<number>();
  /** Finished jobs: id → succeeded. */
  private readonly finished = new Map<number, boolean>();

  add(job: T): void {
    this.waiting.push(job);
  }

  get queued(): readonly T[] {
    return this.waiting;
  }

  get runningCount(): number {
    return this.running.size;
  }

  isRunning(id: number): boolean {
    return this.running.has(id);
  }

  /** Removes a waiting job and everything that waits on it, directly or through others; returns them. */
  cancel(id: number): T[] {
    const ids = new Set([id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const job of this.waiting) {
        if (!ids.has(job.id) && job.after !== undefined && ids.has(job.after)) {
          ids.add(job.id);
          grew = true;
        }
      }
    }
    const dropped = this.waiting.filter((job) => ids.has(job.id));
    for (const job of dropped) this.waiting.splice(this.waiting.indexOf(job), 1);
    return dropped;
  }

  /** The jobs to start now, in queue order, marked running. */
  take(max: number): T[] {
    const started: T[] = [];
    for (let i = 0; i < this.waiting.length && this.running.size < max; ) {
      const job = this.waiting[i];
      const ready = job.after === undefined || this.finished.get(job.after) === true;
      if (ready) {
        this.waiting.splice(i, 1);
        this.running.add(job.id);
        started.push(job);
      } else {
        i++;
      }
    }
    return started;
  }

  /** Records the end of a running job; returns the waiting jobs dropped because it did not succeed. */
  finish(id: number, succeeded: boolean): T[] {
    this.running.delete(id);
    this.finished.set(id, succeeded);
    if (succeeded) return [];
    return this.waiting.filter((job) => job.after === id).flatMap((job) => this.cancel(job.id));
  }
}
