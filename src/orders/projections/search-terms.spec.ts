import { SqliteDatabase } from '../../database/sqlite-database.js';
import { normaliseSearchText, prefixUpperBound, searchTermsOf, searchWords } from './search-terms.js';

describe('search terms', () => {
  it('indexes ids and customer words without case or accents', () => {
    expect(
      searchTermsOf({ marketplaceOrderId: 'AB-12 X', shopOrderIds: ['SO-9', 'SO-9'], customerName: ' Hélène  Dupré ' }),
    ).toEqual(['ab-12', 'ab-12 x', 'dupre', 'helene', 'helene dupre', 'so-9', 'x']);
    expect(searchTermsOf({ marketplaceOrderId: '   ', shopOrderIds: [], customerName: null })).toEqual([]);
  });

  it('splits a query into distinct normalised words', () => {
    expect(searchWords('  ÉLODIE  élodie Martin\t')).toEqual(['elodie', 'martin']);
    expect(normaliseSearchText('ﬁ Ⅻ')).toBe('fi xii');
  });

  it('bounds a prefix range above every string that starts with the prefix, in code point (UTF-8 byte) order', async () => {
    // JS compares UTF-16 code units, where U+FFFF sorts above a surrogate pair: the databases are the oracle here.
    const db = new SqliteDatabase({ path: ':memory:' });
    try {
      const upper = prefixUpperBound('ab');
      const below = async (value: string) =>
        Number((await db.query<{ b: number }>('SELECT $1 < $2 AS b', [value, upper]))[0]!.b) === 1;
      for (const value of ['ab', 'abz', 'ab\uffff', 'ab\u{10FFFE}x', 'ab\u{10FFFF}']) {
        expect(await below(value)).toBe(value !== 'ab\u{10FFFF}');
      }
      expect(await below('ac')).toBe(false);
    } finally {
      await db.close();
    }
  });
});
