import { InvalidEventStoreInput } from '../event-ids.js';
import { formatPostgresPosition, parsePostgresPosition } from './postgres-position.js';

describe('PostgreSQL positions', () => {
  it('order by transaction id first, then global position, as plain strings', () => {
    const pairs: Array<[string, number]> = [
      ['9', 500],
      ['10', 2],
      ['10', 10],
      ['123456', 1],
      ['18446744073709551615', 9007199254740991],
    ];
    const positions = pairs.map(([tx, gp]) => formatPostgresPosition(tx, gp));
    expect([...positions].sort()).toEqual(positions);
    expect(positions[1]).toBe('00000000000000000010:0000000000000000002');
    expect(positions.map(parsePostgresPosition)).toEqual(
      pairs.map(([tx, gp]) => ({ transactionId: tx, globalPosition: String(gp) })),
    );
  });

  it('refuse anything else', () => {
    for (const bad of ['', '0000000000000000001', '1:1', '00000000000000000010-0000000000000000002', 'x']) {
      expect(() => parsePostgresPosition(bad)).toThrow(InvalidEventStoreInput);
    }
  });
});
