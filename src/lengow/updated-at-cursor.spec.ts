import type { LengowOrder, ParsedOrder } from './dto/lengow-order.js';
import { LengowMalformedResponse } from './lengow-errors.js';
import { UpdatedAtCursor } from './updated-at-cursor.js';

const order = (id: string, updatedAt: string): ParsedOrder => ({
  ok: true,
  order: { marketplace: 'amazon_fr', marketplaceOrderId: id, updatedAt } as LengowOrder,
  raw: {},
});
const ids = (orders: ParsedOrder[]) => orders.map((parsed) => (parsed.ok ? parsed.order.marketplaceOrderId : '?'));

describe('UpdatedAtCursor', () => {
  it('starts from the caller’s updated_from, then from the second of the last order served, page 1', () => {
    const cursor = new UpdatedAtCursor('2024-05-01T00:00:00+00:00');
    expect(cursor.next()).toEqual({ updatedFrom: null, page: 1 });
    cursor.take([order('A', '2024-05-01T08:00:00.250000Z'), order('B', '2024-05-01T09:30:12.999999Z')]);
    expect(cursor.next()).toEqual({ updatedFrom: new Date('2024-05-01T09:30:12Z'), page: 1 });
  });

  it('drops what the overlap serves again, keeps a new version of the same order', () => {
    const cursor = new UpdatedAtCursor(new Date('2024-05-01T00:00:00Z'));
    cursor.take([order('A', '2024-05-01T08:00:00Z'), order('B', '2024-05-01T09:00:00.5Z')]);
    const again = cursor.take([
      order('B', '2024-05-01T09:00:00.5Z'),
      order('C', '2024-05-01T09:00:01Z'),
      order('A', '2024-05-01T09:10:00Z'),
    ]);
    expect(ids(again)).toEqual(['C', 'A']);
  });

  it('reads a second holding more than a page by page number within it', () => {
    const cursor = new UpdatedAtCursor(new Date('2024-05-01T00:00:00Z'));
    cursor.take([order('A', '2024-05-01T10:00:00Z'), order('B', '2024-05-01T10:00:00.1Z')]);
    expect(cursor.next()).toEqual({ updatedFrom: new Date('2024-05-01T10:00:00Z'), page: 1 });
    expect(ids(cursor.take([order('A', '2024-05-01T10:00:00Z'), order('B', '2024-05-01T10:00:00.1Z')]))).toEqual([]);
    expect(cursor.next()).toEqual({ updatedFrom: new Date('2024-05-01T10:00:00Z'), page: 2 });
    expect(ids(cursor.take([order('C', '2024-05-01T10:00:00.2Z'), order('D', '2024-05-01T10:00:00.3Z')]))).toEqual([
      'C',
      'D',
    ]);
    expect(cursor.next().page).toBe(3);
    cursor.take([order('E', '2024-05-01T10:00:01Z')]);
    expect(cursor.next()).toEqual({ updatedFrom: new Date('2024-05-01T10:00:01Z'), page: 1 });
  });

  it('passes orders without a date through and moves on by page', () => {
    const cursor = new UpdatedAtCursor(new Date('2024-05-01T00:00:00Z'));
    const unreadable: ParsedOrder = { ok: false, reason: 'packages is missing', raw: { updated_at: 42 } };
    expect(cursor.take([unreadable])).toEqual([unreadable]);
    expect(cursor.next()).toEqual({ updatedFrom: null, page: 2 });
  });

  it('gives up on a server that keeps serving what it served, instead of reading for ever', () => {
    const cursor = new UpdatedAtCursor(new Date('2024-05-01T00:00:00Z'));
    const page = [order('A', '2024-05-01T10:00:00Z')];
    cursor.take(page);
    cursor.take(page);
    cursor.take(page);
    expect(() => cursor.take(page)).toThrow(LengowMalformedResponse);
  });
});
