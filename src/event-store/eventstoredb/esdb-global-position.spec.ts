import { InvalidEventStoreInput } from '../event-ids.js';
import { decodeEsdbPosition, encodeEsdbPosition } from './esdb-global-position.js';

const MAX = 2n ** 64n - 1n;

describe('EventStoreDB global positions', () => {
  it('pads commit and prepare to 20 digits each', () => {
    expect(encodeEsdbPosition({ commit: 1234n, prepare: 1230n })).toBe('00000000000000001234:00000000000000001230');
    expect(encodeEsdbPosition({ commit: 0n, prepare: 0n })).toBe('00000000000000000000:00000000000000000000');
    expect(encodeEsdbPosition({ commit: MAX, prepare: MAX })).toBe('18446744073709551615:18446744073709551615');
  });

  it('accepts numbers and digit strings, as some servers send numbers where the types say bigint', () => {
    expect(encodeEsdbPosition({ commit: 42, prepare: '41' })).toBe(encodeEsdbPosition({ commit: 42n, prepare: 41n }));
  });

  it('sorts with plain string comparison exactly like the (commit, prepare) pair', () => {
    const pairs: [bigint, bigint][] = [
      [0n, 0n],
      [9n, 9n],
      [10n, 0n],
      [10n, 9n],
      [10n, 10n],
      [99n, 100n],
      [100n, 1n],
      [2n ** 32n, 0n],
      [2n ** 53n + 1n, 5n],
      [2n ** 63n - 1n, 2n ** 63n - 1n],
      [MAX, 0n],
      [MAX, MAX],
    ];
    const shuffled = [...pairs].reverse();
    const byString = shuffled.map(([commit, prepare]) => encodeEsdbPosition({ commit, prepare })).sort();
    const byPair = pairs.map(([commit, prepare]) => encodeEsdbPosition({ commit, prepare }));
    expect(byString).toEqual(byPair);
    // and "after" means after: the string comparison the port promises
    for (let i = 1; i < byPair.length; i++) expect(byPair[i - 1]! < byPair[i]!).toBe(true);
  });

  it('parses back what it wrote, without losing precision beyond 2^53', () => {
    for (const position of [
      { commit: 0n, prepare: 0n },
      { commit: 2n ** 53n + 1n, prepare: 2n ** 53n - 1n },
      { commit: MAX, prepare: 7n },
    ]) {
      expect(decodeEsdbPosition(encodeEsdbPosition(position))).toEqual(position);
    }
  });

  it.each([
    '',
    '42',
    '1234:1230',
    '00000000000000001234-00000000000000001230',
    '0000000000000000123x:00000000000000001230',
    ' 00000000000000001234:00000000000000001230',
    '99999999999999999999:00000000000000000000',
    // a PostgreSQL or SQLite checkpoint handed to the wrong adapter
    '00000000000000000042',
  ])('refuses %p with InvalidEventStoreInput', (position) => {
    expect(() => decodeEsdbPosition(position)).toThrow(InvalidEventStoreInput);
  });

  it('refuses non-strings and out-of-range halves without crashing', () => {
    expect(() => decodeEsdbPosition(42 as unknown as string)).toThrow(InvalidEventStoreInput);
    expect(() => decodeEsdbPosition(null as unknown as string)).toThrow(InvalidEventStoreInput);
    expect(() => encodeEsdbPosition({ commit: -1n, prepare: 0n })).toThrow(InvalidEventStoreInput);
    expect(() => encodeEsdbPosition({ commit: MAX + 1n, prepare: 0n })).toThrow(InvalidEventStoreInput);
    expect(() => encodeEsdbPosition({ commit: 1.5, prepare: 0n })).toThrow(InvalidEventStoreInput);
  });
});
