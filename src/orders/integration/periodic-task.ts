import type { Logger } from '../../logging/logger.js';

/**
 * Runs `work` every `intervalMs` (measured from the end of one run to the start of the next, so runs never overlap).
 * A failed run is logged and the schedule goes on: a poller must survive an outage of what it polls.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Waits for a run in progress, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.work()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ task: this.name, err: error }, 'periodic task failed'))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.intervalMs);
    // A poller alone must not keep the process alive.
    this.timer.unref();
  }
}
