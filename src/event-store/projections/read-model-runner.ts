import type { GlobalPosition } from '../event-store.port.js';
import type { ProjectionStatus } from './projection-status.js';
import type { RebuildProgress, RebuildResult } from './rebuild-progress.js';

export interface WaitOptions {
  /** Only these projections (all by default). */
  projections?: readonly string[];
  timeoutMs?: number;
}

/**
 * What the engine asks of whatever runs its projections: the ProjectionRunner on this thread, or one hosted by a
 * worker thread (OverviewWorkerRunner). Callers cannot tell them apart.
 */
export interface ReadModelRunner {
  /** Prepares the projections (tables, checkpoints) and starts them; resolves once the read side can be queried. */
  start(): Promise<void>;
  /** Graceful: the current batches finish. */
  stop(): Promise<void>;
  status(): ProjectionStatus[];
  /**
   * Resolves when the projections have applied everything up to `position` — or, without one, everything committed
   * before the call. Rejects when a waited-for projection fails or the runner stops.
   */
  waitUntilCaughtUp(position?: GlobalPosition | null, options?: WaitOptions): Promise<void>;
  rebuild(name: string, options?: { onProgress?: (progress: RebuildProgress) => void }): Promise<RebuildResult>;
  /** Restarts a failed or superseded projection from its stored checkpoint. */
  resume(name: string): Promise<void>;
  /** Ends the poll pauses now. */
  wake(): void;
}
