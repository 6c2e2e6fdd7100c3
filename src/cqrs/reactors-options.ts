import type { RetryPolicy } from '../event-store/projections/retry-policy.js';

/** How the engine's checkpointed reactors (sagas, event bus bridge) run. */
export interface ReactorsOptions {
  /** Start consuming at boot (tests may start them by hand). */
  autoStart: boolean;
  pollIntervalMs?: number;
  retry?: Partial<RetryPolicy>;
}

export const REACTORS_OPTIONS = Symbol('REACTORS_OPTIONS');
