/** How the client retries transient failures (lengow-api.md §1; event-sourcing-notes.md §5.4). */
export interface RetryPolicy {
  /** Attempts per call, the first included. 1 disables retries. */
  maxAttempts: number;
  /** Base of the exponential backoff: the cap of the n-th wait is base × 2^(n-1). */
  baseDelayMs: number;
  /** No single backoff wait exceeds this. */
  maxDelayMs: number;
  /**
   * The longest `Retry-After` the client waits out by itself. A longer one fails the call at once with
   * `LengowRateLimited`, so a scheduler can defer the work instead of a request hanging for minutes.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/**
 * "Full jitter" backoff: a uniform wait between 0 and the exponential cap, so that many clients failing together do
 * not retry together. `attempt` is the number of the attempt that just failed (1-based).
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Null when absent or unreadable;
 * a date in the past is 0.
 */
export function parseRetryAfterMs(header: string | null | undefined, now: Date): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
