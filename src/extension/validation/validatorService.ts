// Validation off the extension host's thread: one worker thread answers requests in order; a
// request that takes longer than the time limit ends the worker (a fresh one serves the next) and
// is answered with a problem that says so. Text over the size limit never leaves the host.
import { Worker } from 'worker_threads';
import type { Problem } from '../../engine/config';
import type { ExperimentFile } from '../../engine/config/types';
import { EXPERIMENT_FILE_LIMIT, formatBytes } from '../../engine/io/safeRead';
import type { ValidateRequest, ValidateResponse } from './protocol';

export interface ValidatorServiceOptions {
  /** Starts a worker running validatorWorker (the bundle in the extension, the TypeScript source in tests). */
  startWorker: () => Worker;
  /** A validation taking longer than this gives up with a problem. Default 10 s. */
  timeoutMs?: number;
}

export interface WorkerAnalysis {
  problems: Problem[];
  /** The experiments, when there is no error. */
  file?: ExperimentFile;
}

interface Pending {
  resolve: (analysis: WorkerAnalysis) => void;
  timer: NodeJS.Timeout;
  file: string;
}

export const DEFAULT_VALIDATION_TIMEOUT_MS = 10_000;

function wholeFileProblem(file: string, message: string): Problem {
  return { file, line: 1, column: 1, offset: 0, length: 0, path: '$', message, severity: 'error' };
}

export class ValidatorService {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly timeoutMs: number;

  constructor(private readonly options: ValidatorServiceOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS;
  }

  /** The problems of a file's text; always resolves, never blocks the caller's thread. */
  async validate(file: string, text: string, options: ValidateRequest['options'] = {}): Promise<Problem[]> {
    return (await this.analyse(file, text, options)).problems;
  }

  /** The problems and, without errors, the experiments of a file's text, analysed on the worker. */
  analyse(file: string, text: string, options: ValidateRequest['options'] = {}): Promise<WorkerAnalysis> {
    if (text.length > EXPERIMENT_FILE_LIMIT)
      return Promise.resolve({
        problems: [
          wholeFileProblem(
            file,
            `the file is too large to be an experiment (${formatBytes(text.length)} characters; the limit is ${formatBytes(EXPERIMENT_FILE_LIMIT)})`,
          ),
        ],
      });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.giveUp(id), this.timeoutMs);
      this.pending.set(id, { resolve, timer, file });
      const request: ValidateRequest = { id, file, text, options };
      this.ensureWorker().postMessage(request);
    });
  }

  dispose(): void {
    this.stopWorker(`validation stopped`);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.options.startWorker();
    worker.unref();
    worker.on('message', (response: ValidateResponse) => this.settle(response.id, response));
    worker.on('error', (error) => {
      if (this.worker === worker) this.stopWorker(`validation failed: ${error.message}`);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.stopWorker('validation stopped unexpectedly');
    });
    this.worker = worker;
    return worker;
  }

  private settle(id: number, analysis: WorkerAnalysis): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve({ problems: analysis.problems, ...(analysis.file ? { file: analysis.file } : {}) });
  }

  private giveUp(id: number): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.stopWorker(
      `validation gave up after ${Number((this.timeoutMs / 1000).toFixed(1))} s: the file or a file it extends is too slow to read`,
    );
  }

  /** Ends the worker and answers everything still waiting with `message`. */
  private stopWorker(message: string): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const [id, pending] of this.pending) this.settle(id, { problems: [wholeFileProblem(pending.file, message)] });
    if (worker) void worker.terminate();
  }
}
