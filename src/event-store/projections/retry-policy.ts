/** Bounded retries with exponential backoff, for handler errors; infrastructure errors reuse the delays unbounded. */
export interface RetryPolicy {
  /** Attempts per batch or event, the first included, before it counts as failed (projection) or parked (consumer). */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Randomise each delay between half and all of it, so restarted instances do not retry in lockstep. */
  jitter: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: true,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error(`retry maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  return policy;
}

/** Delay before attempt `failedAttempts + 1`, i.e. after `failedAttempts` consecutive failures (1-based). */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** exponent);
  return policy.jitter ? base / 2 + (Math.random() * base) / 2 : base;
}
