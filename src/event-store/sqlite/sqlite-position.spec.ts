import { InvalidEventStoreInput } from '../event-ids.js';
import { formatSqlitePosition, parseSqlitePosition } from './sqlite-position.js';

describe('SQLite positions', () => {
  it('pad rowids so that string order is numeric order, and parse back', () => {
    const rowids = [1, 9, 10, 99, 100, 123456789, Number.MAX_SAFE_INTEGER];
    const positions = rowids.map(formatSqlitePosition);
    expect([...positions].sort()).toEqual(positions);
    expect(positions.map(parseSqlitePosition)).toEqual(rowids.map(BigInt));
    expect(formatSqlitePosition(9223372036854775807n)).toBe('9223372036854775807');
  });

  it('refuse anything else', () => {
    for (const bad of ['', '12', 'x'.repeat(19), '00000000000000000001:1', ' 000000000000000001']) {
      expect(() => parseSqlitePosition(bad)).toThrow(InvalidEventStoreInput);
    }
  });
});
