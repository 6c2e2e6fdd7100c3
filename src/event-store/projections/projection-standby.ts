import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { Logger } from '../../logging/logger.js';
import type { EventStore, GlobalPosition } from '../event-store.port.js';
import { describeError } from './describe-error.js';
import { InterruptibleSleep } from './interruptible-sleep.js';
import type { ProjectionCatalog } from './projection-catalog.js';

export interface ProjectionStandbyOptions {
  store: EventStore;
  db: SqlDatabase;
  catalog: ProjectionCatalog;
  logger: Logger;
  /** How often the stored checkpoints of superseded projections are looked at. */
  checkMs: number;
  /** How long events may wait behind a stored checkpoint that does not move before this instance takes over. */
  takeoverAfterMs: number;
  /** The projections of this runner that stood down (state `superseded`). */
  superseded: () => string[];
  /** Restarts a projection from its stored checkpoint (the runner's `resume`). */
  takeOver: (name: string) => Promise<void>;
}

interface Watch {
  position: GlobalPosition | null;
  /** When a check first saw events after the stored checkpoint, while it stayed where it was; null otherwise. */
  waitingSince: number | null;
}

/**
 * Lets a projection that stood down because another runner moved its checkpoint (two engines on one read-model
 * database) take over when that runner stops making progress: it died, or hangs. A checkpoint that stays put with
 * nothing after it is an idle projection, not a dead one, so only events *waiting* behind an unmoved checkpoint count,
 * timed from the first check that saw them (the first event after a quiet spell is not overdue the moment it lands).
 * Projections write their rows and checkpoint in one transaction, so an early takeover (the other runner was only
 * slow) costs a checkpoint conflict, after which one of the two stands down again.
 */
export class ProjectionStandby {
  private readonly sleeper = new InterruptibleSleep();
  private readonly watches = new Map<string, Watch>();
  private loop?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: ProjectionStandbyOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.sleeper.sleep(this.options.checkMs, { wakeable: false });
      if (this.stopped) return;
      const superseded = new Set(this.options.superseded());
      for (const name of this.watches.keys()) if (!superseded.has(name)) this.watches.delete(name);
      for (const name of superseded) {
        try {
          if (await this.due(name)) {
            this.watches.delete(name);
            this.options.logger.warn(
              { projection: name },
              `projection ${name}: events have waited ${this.options.takeoverAfterMs} ms behind a checkpoint nobody ` +
                'moved; taking it over',
            );
            await this.options.takeOver(name);
          }
        } catch (error) {
          // Looked at again at the next check; the projection stays superseded meanwhile.
          this.options.logger.warn({ projection: name, err: describeError(error) }, 'projection standby check failed');
        }
      }
    }
  }

  private async due(name: string): Promise<boolean> {
    const row = await this.options.catalog.checkpoint(this.options.db, name);
    if (!row) return false;
    const watch = this.watches.get(name);
    if (!watch || watch.position !== row.position) {
      // First look, or the other runner moved it since: it is alive.
      this.watches.set(name, { position: row.position, waitingSince: null });
      return false;
    }
    const [next] = await this.options.store.readAll({ fromPosition: row.position, maxCount: 1 });
    if (!next) {
      watch.waitingSince = null;
      return false;
    }
    watch.waitingSince ??= Date.now();
    return Date.now() - watch.waitingSince >= this.options.takeoverAfterMs;
  }
}
