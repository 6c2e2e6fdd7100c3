import type { Logger } from '../../logging/logger.js';
import type { OrderSettingsReader } from '../../settings/order-settings.port.js';
import type { ImportRunReport } from './order-importer.js';
import { ImportAlreadyRunning } from './import-already-running.error.js';

export interface ScheduledImporter {
  readonly runningRunId: string | null;
  runScheduled(): Promise<ImportRunReport>;
  stop(): Promise<void>;
}

export interface ImportSchedulerOptions {
  /** Delay before the first run after boot; 2 s by default (lets the rest of the app finish starting). */
  readonly initialDelayMs?: number;
  /** Used when the settings cannot be read: IMPORT_INTERVAL. */
  readonly defaultIntervalSeconds: number;
  readonly setTimer?: (callback: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

/** Settings allow 10 s–1 day; anything else read here (a broken reader) falls back to the default. */
const MIN_INTERVAL_SECONDS = 10;
const MAX_INTERVAL_SECONDS = 86_400;

/**
 * Starts a poll every `importIntervalSeconds` (re-read from the settings before each wait, so a change applies from
 * the next tick). Ticks keep their cadence whatever a run lasts: a tick that finds the previous run still going is
 * skipped and logged, never queued, so one process never runs two imports at once. Across processes nothing is
 * locked: two engines polling together is safe because every order's identity and idempotency live in the event
 * store.
 */
export class ImportScheduler {
  private timer: unknown = null;
  private stopped = true;
  private readonly setTimer: (callback: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly importer: ScheduledImporter,
    private readonly settings: Pick<OrderSettingsReader, 'current'>,
    private readonly logger: Logger,
    private readonly options: ImportSchedulerOptions,
  ) {
    this.setTimer =
      options.setTimer ??
      ((callback, ms) => {
        const timer = setTimeout(callback, ms);
        // A pending poll must not keep a process alive that is otherwise done (CLI tools, tests).
        timer.unref();
        return timer;
      });
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  }

  get started(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const delay = this.options.initialDelayMs ?? 2000;
    this.logger.info({ firstRunInMs: delay }, 'order import scheduled');
    this.timer = this.setTimer(() => void this.tick(), delay);
  }

  /** No further tick; the run in progress is stopped (its in-flight orders finish) and awaited. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    await this.importer.stop();
  }

  /** One tick: start a run unless one is going, then plan the next tick. Exposed for tests. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const running = this.importer.runningRunId;
    if (running !== null) {
      this.logger.info({ runningRunId: running }, 'scheduled import skipped: the previous run is still going');
    } else {
      // Not awaited: the cadence does not depend on how long a run takes.
      this.importer.runScheduled().catch((error: unknown) => {
        if (error instanceof ImportAlreadyRunning) {
          this.logger.info({ runningRunId: error.runningRunId }, 'scheduled import skipped: ' + error.message);
          return;
        }
        this.logger.error({ err: (error as Error)?.message ?? String(error) }, 'scheduled import could not start');
      });
    }
    const seconds = await this.intervalSeconds();
    if (this.stopped) return;
    this.timer = this.setTimer(() => void this.tick(), seconds * 1000);
  }

  private async intervalSeconds(): Promise<number> {
    try {
      const seconds = (await this.settings.current()).importIntervalSeconds;
      if (Number.isFinite(seconds) && seconds >= MIN_INTERVAL_SECONDS && seconds <= MAX_INTERVAL_SECONDS)
        return seconds;
    } catch (error) {
      this.logger.warn(
        { err: (error as Error)?.message ?? String(error) },
        'import interval unreadable; using IMPORT_INTERVAL',
      );
    }
    return this.options.defaultIntervalSeconds;
  }
}
