import { backoffDelay, retryPolicy } from './retry-policy.js';

describe('retry policy', () => {
  it('grows delays exponentially up to the cap', () => {
    const policy = retryPolicy({ initialDelayMs: 100, factor: 2, maxDelayMs: 350, jitter: false });
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n))).toEqual([100, 200, 350, 350]);
  });

  it('keeps jittered delays between half and all of the nominal delay', () => {
    const policy = retryPolicy({ initialDelayMs: 100, factor: 2, maxDelayMs: 10_000, jitter: true });
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(policy, 3);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it('refuses a policy that would never try', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });
});
