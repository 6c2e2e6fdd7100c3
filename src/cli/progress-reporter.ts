import cliProgress from 'cli-progress';
import type { CliStream } from './cli-io.js';

export interface ProgressUpdate {
  processed: number;
  /** Estimated total; null while unknown. */
  target: number | null;
  /** Short word for the step in progress (`building`, `switching`, `done`). */
  phase: string;
}

export interface ProgressReporter {
  update(progress: ProgressUpdate): void;
  /** Final state; stops redrawing. */
  finish(progress?: ProgressUpdate): void;
}

export interface ProgressOptions {
  label: string;
  /** Plain lines at most this often (besides phase changes and 10 % steps). */
  intervalMs?: number;
  now?: () => number;
}

/**
 * A redrawn bar when the stream is a terminal; otherwise (a pipe, a CI log) plain lines: one per phase change, per
 * 10 % step and at most one per interval in between, so a long rebuild still shows life without flooding a log.
 */
export function createProgressReporter(stream: CliStream, options: ProgressOptions): ProgressReporter {
  return stream.isTTY === true ? new BarReporter(stream, options.label) : new LineReporter(stream, options);
}

class BarReporter implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;
  private started = false;

  constructor(stream: CliStream, label: string) {
    this.bar = new cliProgress.SingleBar(
      {
        stream: stream as unknown as NodeJS.WritableStream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} events | {phase}`,
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update({ processed, target, phase }: ProgressUpdate): void {
    const total = Math.max(target ?? processed, processed, 1);
    if (!this.started) {
      this.bar.start(total, processed, { phase });
      this.started = true;
      return;
    }
    this.bar.setTotal(total);
    this.bar.update(processed, { phase });
  }

  finish(progress?: ProgressUpdate): void {
    if (progress) this.update(progress);
    if (this.started) this.bar.stop();
  }
}

class LineReporter implements ProgressReporter {
  private lastPhase: string | null = null;
  private lastStep = -1;
  private lastAt = 0;
  private lastLine = '';
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly stream: CliStream,
    private readonly options: ProgressOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  update(progress: ProgressUpdate): void {
    const step = progress.target ? Math.floor((progress.processed / Math.max(progress.target, 1)) * 10) : -1;
    const due =
      progress.phase !== this.lastPhase || step > this.lastStep || this.now() - this.lastAt >= this.intervalMs;
    if (!due) return;
    this.lastPhase = progress.phase;
    this.lastStep = Math.max(step, this.lastStep);
    this.print(progress);
  }

  finish(progress?: ProgressUpdate): void {
    if (progress) this.print(progress);
  }

  private print({ processed, target, phase }: ProgressUpdate): void {
    const of = target === null ? '' : `/${Math.max(target, processed)}`;
    const percent = target ? ` (${Math.min(100, Math.floor((processed / Math.max(target, 1)) * 100))}%)` : '';
    const line = `${this.options.label}: ${phase} ${processed}${of} events${percent}`;
    // The same line twice (a final update equal to the last one) says nothing new.
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.lastAt = this.now();
    this.stream.write(`${line}\n`);
  }
}
