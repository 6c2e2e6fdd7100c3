import { TokenStore } from './token-store.js';

describe('Lengow sandbox: token store', () => {
  it('forgets a token a lifetime after it expired, so a client refreshing for days does not grow it', () => {
    let now = 0;
    const store = new TokenStore(3600_000, () => now);
    const first = store.issue(4242);
    for (let hour = 1; hour <= 24 * 30; hour++) {
      now = hour * 3600_000;
      store.issue(4242);
    }
    expect(store.storedCount).toBeLessThanOrEqual(3);
    expect(store.check(first.token)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('still says "expired", not "unknown", for a token that expired less than a lifetime ago', () => {
    let now = 0;
    const store = new TokenStore(3600_000, () => now);
    const held = store.issue(4242);
    now = 2 * 3600_000 - 1;
    store.issue(4242);
    expect(store.check(held.token)).toEqual({ ok: false, reason: 'expired' });
  });
});
