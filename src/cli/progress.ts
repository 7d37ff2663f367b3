// Terminal progress for `kd run`: a live bar with stage, epoch, step, losses and ETA on a TTY,
// one line per epoch otherwise (CI logs, job schedulers). Stages are named as the editor names them:
// the model a teacher cell trains is "teacher", not "student".
import { SingleBar, Presets } from 'cli-progress';
import type { RunEvent } from '../protocol/events';
import { formatPercent } from '../shared/format';
import { stageWord } from '../shared/modelLabels';

export class RunProgress {
  private bar: SingleBar | undefined;
  private readonly tty: boolean;

  /** `alone`: the run trains its model with no teacher (trainsAlone of its experiment). */
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly alone = false,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  private stage(stage: string): string {
    return stageWord(stage, this.alone);
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'run-start':
        this.line(
          `run ${event.runId}  ${event.experiment}  backend ${event.backend}${event.threads ? ` (${event.threads.count} thread${event.threads.count === 1 ? '' : 's'}: ${event.threads.reason})` : ''}${event.backendNotes.length ? `  (skipped: ${event.backendNotes.join('; ')})` : ''}${event.resumed ? '  resumed' : ''}`,
        );
        break;
      case 'stage-start':
        this.stop();
        this.line(
          `stage ${this.stage(event.stage)}: ${event.epochs} epochs × ${event.stepsPerEpoch} steps, losses ${event.terms.join(' + ')}`,
        );
        if (this.tty) {
          this.bar = new SingleBar(
            {
              format:
                ' {stage} |{bar}| epoch {epoch}/{epochs} step {step}/{steps} | {losses} | {rate} samples/s | ETA {eta_formatted}',
              hideCursor: true,
              etaBuffer: 50,
              stream: this.out,
            },
            Presets.shades_classic,
          );
          this.bar.start(event.epochs * event.stepsPerEpoch, (event.startEpoch - 1) * event.stepsPerEpoch, {
            stage: this.stage(event.stage),
            epoch: event.startEpoch,
            epochs: event.epochs,
            step: 0,
            steps: event.stepsPerEpoch,
            losses: '',
            rate: 0,
          });
        }
        break;
      case 'step':
        this.bar?.update((event.epoch - 1) * event.stepsPerEpoch + event.step, {
          epoch: event.epoch,
          step: event.step,
          steps: event.stepsPerEpoch,
          rate: Math.round(event.samplesPerSec),
          losses:
            Object.entries(event.losses)
              .map(([k, v]) => `${k} ${v.toFixed(4)}`)
              .join(' ') + ` = ${event.total.toFixed(4)}`,
        });
        break;
      case 'epoch':
        if (!this.tty)
          this.line(
            `  ${this.stage(event.stage)} epoch ${event.epoch}/${event.epochs}: loss ${event.trainLoss.toFixed(4)}, train ${formatPercent(event.trainAcc)}, val ${formatPercent(event.valAcc)}, ${(event.durationMs / 1000).toFixed(1)}s`,
          );
        break;
      case 'stage-end':
        this.stop();
        this.line(
          `stage ${this.stage(event.stage)} done: test ${formatPercent(event.metrics.best.test)} at best-val epoch ${event.metrics.best.epoch} (last ${formatPercent(event.metrics.last.test)})`,
        );
        break;
      case 'log':
        this.line(`${event.level === 'info' ? '' : `${event.level}: `}${event.message}`);
        break;
      case 'run-end':
        this.stop();
        break;
      default:
        break;
    }
  }

  stop(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
  }

  private line(text: string): void {
    if (this.bar) this.out.write('\n');
    this.out.write(text + '\n');
  }
}
