export interface BackoffOptions {
  /** First delay, ms. */
  initialMs: number;
  /** Upper bound, ms. */
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 10_000, factor: 2 };

/**
 * Delay before retry number `attempt` (0-based): exponential up to the cap, then scaled into [50 %, 100 %] by `random`
 * so that several instances dropped by the same server restart do not all come back in the same millisecond.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const exponential = options.initialMs * options.factor ** Math.max(0, attempt);
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped * (0.5 + random() * 0.5));
}
