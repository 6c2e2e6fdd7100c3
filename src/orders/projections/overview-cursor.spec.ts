import { InvalidOverviewQuery } from './invalid-overview-query.error.js';
import { decodeCursor, encodeCursor } from './overview-cursor.js';

describe('overview cursor', () => {
  it('round-trips, opaque and URL-safe', () => {
    const cursor = {
      sort: 'order_date' as const,
      direction: 'desc' as const,
      value: '2024-05-02T10:00:00.000Z',
      stream: 'order-a-1',
    };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded, 'order_date', 'desc')).toEqual(cursor);
  });

  it('refuses garbage and cursors of another sort', () => {
    const encoded = encodeCursor({ sort: 'order_date', direction: 'desc', value: 'v', stream: 's' });
    expect(() => decodeCursor(encoded, 'order_date', 'asc')).toThrow(InvalidOverviewQuery);
    expect(() => decodeCursor(encoded, 'last_event_at', 'desc')).toThrow(/another sort/);
    for (const bad of [
      '',
      '!!!',
      Buffer.from('[2,"order_date","desc","v","s"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad, 'order_date', 'desc')).toThrow(InvalidOverviewQuery);
    }
  });
});
