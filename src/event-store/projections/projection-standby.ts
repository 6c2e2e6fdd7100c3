import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { Logger } from '../../logging/logger.js';
import type { EventStore } from '../event-store.port.js';
import { describeError } from './describe-error.js';
import { InterruptibleSleep } from './interruptible-sleep.js';
import type { ProjectionCatalog } from './projection-catalog.js';
import { eventsAfter, StalledCheckpoint } from './stalled-checkpoint.js';

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

/**
 * Lets a projection that stood down because another runner moved its checkpoint (two engines on one read-model
 * database) take over when that runner stops making progress: it died, or hangs (see StalledCheckpoint). Projections
 * write their rows and checkpoint in one transaction, so an early takeover (the other runner was only slow) costs a
 * checkpoint conflict, after which one of the two stands down again.
 */
export class ProjectionStandby {
  private readonly sleeper = new InterruptibleSleep();
  private readonly watches = new Map<string, StalledCheckpoint>();
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
          const waited = await this.waited(name);
          if (waited !== null) {
            this.watches.delete(name);
            this.options.logger.warn(
              { projection: name, stalledMs: waited },
              `projection ${name}: events waited ${waited} ms behind a checkpoint nobody moved; taking it over`,
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

  private async waited(name: string): Promise<number | null> {
    const row = await this.options.catalog.checkpoint(this.options.db, name);
    if (!row) return null;
    let watch = this.watches.get(name);
    if (!watch) this.watches.set(name, (watch = new StalledCheckpoint(this.options.takeoverAfterMs)));
    return watch.observe(row.position, await eventsAfter(this.options.store, row.position));
  }
}
