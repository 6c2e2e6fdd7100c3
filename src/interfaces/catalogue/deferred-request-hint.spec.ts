import { deferredRequestHint } from './deferred-request-hint.js';

describe('deferredRequestHint', () => {
  const now = new Date('2025-06-01T10:00:00.000Z');

  it('says nothing needs replaying and what usually needs fixing', () => {
    const hint = deferredRequestHint(
      { reason: 'HTTP 503 from Lengow', nextAttemptAt: '2025-06-01T10:00:30.000Z' },
      now,
    );
    expect(hint).toMatch(/^Nothing to replay: the engine asks again by itself/);
    expect(hint).toMatch(/Lengow cannot be reached .* carrier mapping could not be read \(Order parameters\)/);
    expect(hint).not.toMatch(/overdue/);
  });

  it('points at the Lengow account when Lengow does not list the marketplace', () => {
    const hint = deferredRequestHint(
      { reason: 'amazon_fr does not feature in the marketplace list', nextAttemptAt: '2025-06-01T10:00:30.000Z' },
      now,
    );
    expect(hint).toMatch(/Lengow does not list this order’s marketplace: check in Lengow/);
    expect(hint).not.toMatch(/Lengow cannot be reached/);
  });

  it('says when the next attempt is long overdue, so no engine is asking', () => {
    const late = (nextAttemptAt: string) => deferredRequestHint({ reason: 'HTTP 503', nextAttemptAt }, now);
    expect(late('2025-06-01T09:56:00.000Z')).not.toMatch(/overdue/);
    expect(late('2025-06-01T09:54:59.000Z')).toMatch(/next attempt is overdue: check that an engine running/);
    expect(late('not a date')).not.toMatch(/overdue/);
  });
});
