import { CommittedTail, type TailAnswer } from './committed-tail.js';
import type { SqliteEventRow } from './sqlite-event-row.js';

const row = (position: number, stream = `s-${position}`, type = 'A', data = '{}'): SqliteEventRow => [
  position,
  `id-${position}`,
  stream,
  0,
  type,
  data,
  '{}',
  '2026-11-26T00:00:00.000Z',
];
const positions = (answer: TailAnswer | null) => answer?.rows.map((r) => r[0]) ?? null;

describe('CommittedTail', () => {
  const roomy = { events: 100, chars: 1_000_000 };

  it('answers a read that starts right after a position it holds, up to the limit, and says how far it looked', () => {
    const tail = new CommittedTail(roomy);
    tail.add([row(5), row(6)]);
    tail.add([row(7)]);
    expect(tail.after(4, -1, undefined)).toEqual({ rows: [row(5), row(6), row(7)], through: 7 });
    expect(tail.after(5, 1, undefined)).toEqual({ rows: [row(6)], through: 6 });
    expect(tail.after(6, 10, undefined)).toEqual({ rows: [row(7)], through: 7 });
  });

  it('declines a read it cannot start: before the run, at or past its end, before anything was added', () => {
    const tail = new CommittedTail(roomy);
    expect(tail.after(0, -1, undefined)).toBeNull();
    tail.add([row(5), row(6)]);
    // Position 3 would need event 4, which it never saw.
    expect(tail.after(3, -1, undefined)).toBeNull();
    expect(tail.after(0, -1, undefined)).toBeNull();
    expect(tail.after(6, -1, undefined)).toBeNull();
    expect(tail.after(60, -1, undefined)).toBeNull();
  });

  it('starts a new run when a batch does not follow on (another writer took the positions between)', () => {
    const tail = new CommittedTail(roomy);
    tail.add([row(1), row(2)]);
    tail.add([row(4)]);
    // Event 3 belongs to someone else: reads from before it must go to SQLite, not skip it.
    expect(tail.after(1, -1, undefined)).toBeNull();
    expect(tail.after(2, -1, undefined)).toBeNull();
    expect(positions(tail.after(3, -1, undefined))).toEqual([4]);
  });

  it('filters as the store’s SQL does (an empty list does not constrain), scanning to the end when few pass', () => {
    const tail = new CommittedTail(roomy);
    tail.add([row(1, 'order-1', 'A'), row(2, 'shop-1', 'A'), row(3, 'order-2', 'B'), row(4, 'order-3', 'A')]);
    expect(positions(tail.after(0, -1, { streamPrefixes: ['order-'], eventTypes: ['A'] }))).toEqual([1, 4]);
    expect(tail.after(0, 1, { streamPrefixes: ['order-'], eventTypes: [] })).toEqual({
      rows: [row(1, 'order-1', 'A')],
      through: 1,
    });
    expect(positions(tail.after(0, -1, { streamPrefixes: [], eventTypes: ['B'] }))).toEqual([3]);
    expect(tail.after(0, -1, { streamPrefixes: [], eventTypes: ['C'] })).toEqual({ rows: [], through: 4 });
  });

  it('keeps at most its limits, oldest out first, and never less than the last event', () => {
    const byCount = new CommittedTail({ events: 3, chars: 1_000_000 });
    for (let p = 1; p <= 2000; p++) byCount.add([row(p)]);
    expect(positions(byCount.after(1997, -1, undefined))).toEqual([1998, 1999, 2000]);
    expect(byCount.after(1996, -1, undefined)).toBeNull();

    const bySize = new CommittedTail({ events: 100, chars: 50 });
    bySize.add([row(1, 's', 'A', 'x'.repeat(20)), row(2, 's', 'A', 'x'.repeat(20))]);
    bySize.add([row(3, 's', 'A', 'x'.repeat(20))]);
    expect(positions(bySize.after(1, -1, undefined))).toEqual([2, 3]);
    expect(bySize.after(0, -1, undefined)).toBeNull();
    bySize.add([row(4, 's', 'A', 'x'.repeat(500))]);
    expect(positions(bySize.after(3, -1, undefined))).toEqual([4]);
  });
});
