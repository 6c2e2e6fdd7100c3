import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { Logger } from '../../logging/logger.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../event-store.port.js';
import type { ProjectionCatalog } from './projection-catalog.js';
import type { RebuildProgress } from './rebuild-progress.js';
import type { RetryPolicy } from './retry-policy.js';

export interface ProjectionRunnerHooks {
  /**
   * Fault injection for tests: runs inside each batch transaction after the events were applied, the last step before
   * the commit (the checkpoint row was written first, as the batch's lock). Throwing rolls the batch back, checkpoint
   * included, exactly like a crash before the commit would.
   */
  beforeCheckpoint?(context: {
    projection: string;
    phase: 'live' | 'build';
    events: readonly RecordedEvent[];
  }): void | Promise<void>;
}

/** What the runner shares with each projection's loop and rebuild. */
export interface RunnerContext {
  readonly store: EventStore;
  readonly db: SqlDatabase;
  readonly catalog: ProjectionCatalog;
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly hooks: ProjectionRunnerHooks;
  readonly stopping: boolean;
  /** Records the newest position any loop has read (the best head estimate without asking the store). */
  noteSeen(position: GlobalPosition | null): void;
  highestSeen(): GlobalPosition | null;
  /** The head of the log if the runner was given a way to ask, else the highest position seen. */
  head(): Promise<GlobalPosition | null>;
  reportProgress(progress: RebuildProgress): void;
}
