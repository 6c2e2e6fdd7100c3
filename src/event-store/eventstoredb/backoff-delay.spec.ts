import { backoffDelay } from './backoff-delay.js';

const options = { initialMs: 100, maxMs: 5_000, factor: 2 };

describe('backoffDelay', () => {
  it('doubles from the first delay up to the cap', () => {
    const top = () => 1; // no jitter reduction
    expect([0, 1, 2, 3, 4, 5, 6, 10, 100].map((attempt) => backoffDelay(attempt, options, top))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000,
    ]);
  });

  it('spreads retries over the upper half of the delay', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(400);
    expect(backoffDelay(3, options, () => 0.5)).toBe(600);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelay(20, options);
      expect(delay).toBeGreaterThanOrEqual(2_500);
      expect(delay).toBeLessThanOrEqual(5_000);
    }
  });

  it('does not overflow into Infinity or NaN on huge attempt counts', () => {
    expect(backoffDelay(1e6, options, () => 1)).toBe(5_000);
    expect(backoffDelay(-3, options, () => 1)).toBe(100);
  });
});
