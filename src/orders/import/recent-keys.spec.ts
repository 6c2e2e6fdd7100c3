import { RecentKeys } from './recent-keys.js';

describe('RecentKeys', () => {
  it('holds at most its capacity, forgetting the oldest key first', () => {
    const keys = new RecentKeys(3);
    for (let i = 0; i < 10_000; i++) keys.add(`k${i}`);
    expect(keys.size).toBe(3);
    expect(['k9996', 'k9997', 'k9998', 'k9999'].map((k) => keys.has(k))).toEqual([false, true, true, true]);
  });

  it('does not refresh a key added again', () => {
    const keys = new RecentKeys(2);
    keys.add('a');
    keys.add('b');
    keys.add('a');
    keys.add('c');
    expect([keys.has('a'), keys.has('b'), keys.has('c')]).toEqual([false, true, true]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RecentKeys(0)).toThrow(RangeError);
  });
});
