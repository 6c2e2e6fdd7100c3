import { ANY, NO_STREAM, STREAM_EXISTS } from '@eventstore/db-client';
import { InvalidEventStoreInput } from '../event-ids.js';
import { fromEsdbCurrentRevision, fromEsdbRevision, toEsdbExpectedRevision } from './esdb-revision.js';

describe('expected revision mapping', () => {
  it('maps the named expectations to the client constants', () => {
    expect(toEsdbExpectedRevision(undefined)).toBe(ANY);
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
  });

  it('maps a 0-based revision number to the same 0-based bigint', () => {
    expect(toEsdbExpectedRevision(0)).toBe(0n);
    expect(toEsdbExpectedRevision(41)).toBe(41n);
    expect(toEsdbExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it.each([-1, 1.5, Number.NaN, Infinity, 2 ** 53, '3', 'nope', null])('refuses %p', (value) => {
    expect(() => toEsdbExpectedRevision(value as never)).toThrow(InvalidEventStoreInput);
  });

  it('turns revisions back into numbers, whether they arrive as bigint or number', () => {
    expect(fromEsdbRevision(7n)).toBe(7);
    expect(fromEsdbRevision(7)).toBe(7);
    expect(() => fromEsdbRevision(2n ** 60n)).toThrow(RangeError);
  });

  it('reads the current revision of a conflict as a number or no_stream', () => {
    expect(fromEsdbCurrentRevision(NO_STREAM)).toBe('no_stream');
    expect(fromEsdbCurrentRevision(-1n)).toBe('no_stream');
    expect(fromEsdbCurrentRevision(0n)).toBe(0);
    expect(fromEsdbCurrentRevision(12n)).toBe(12);
  });
});
