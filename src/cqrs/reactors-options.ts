import type { RetryPolicy } from '../event-store/projections/retry-policy.js';

/** How the engine's checkpointed reactors (sagas, event bus bridge) run. */
export interface ReactorsOptions {
  /** Start consuming at boot (tests may start them by hand). */
  autoStart: boolean;
  pollIntervalMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Streams each saga handles at once within a batch (each stream's events still in order). Its commands then reach
   * the store together and share commits. Default 48 (DEFAULT_SAGA_CONCURRENCY).
   */
  sagaConcurrency?: number;
  /** Least time between two checkpoint writes of a busy reactor (a crash redelivers at most this much). Default 250. */
  checkpointIntervalMs?: number;
  /**
   * With several engine processes on one database only one runs each reactor; the others stand by. How often a standby
   * looks at the reactor's checkpoint. Default: the consumer's (5 000).
   */
  standbyCheckMs?: number;
  /**
   * How long events may wait behind a checkpoint that does not move before a standby takes the reactor over (the
   * process running it died or hangs). Default: the consumer's (30 000).
   */
  takeoverAfterMs?: number;
}

/**
 * A batch (DEFAULT_CONSUMER_BATCH_SIZE events) moves the checkpoint only once all its streams are done, so a batch
 * costs one round of command latency (an append waits for its group commit; a moi for Lengow's answer) per
 * `concurrency` streams. At 16, a backfill's batches took two or three rounds and the import spent a quarter of its
 * time waiting for the sagas to catch up; at 48, 2 % (README, Performance).
 */
export const DEFAULT_SAGA_CONCURRENCY = 48;
export const DEFAULT_REACTOR_CHECKPOINT_INTERVAL_MS = 250;

export const REACTORS_OPTIONS = Symbol('REACTORS_OPTIONS');
