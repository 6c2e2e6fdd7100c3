import type { SqlExecutor, SqlParam } from '../../database/sql-database.port.js';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import { sellables } from '../../sandbox/catalogue.js';
import { seedFromSandboxCatalogue } from '../seed-from-sandbox-catalogue.js';
import { BuiltInShop } from './built-in-shop.js';
import { loadCatalogueIndex } from './load-catalogue-index.js';
import { padded } from './sql-helpers.js';

describe('padded IN lists', () => {
  it('lengthens a list to the next power of two with its last item', () => {
    expect(padded([])).toEqual([]);
    expect(padded(['a'])).toEqual(['a']);
    expect(padded([1, 2, 3])).toEqual([1, 2, 3, 3]);
    expect(padded([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    expect(padded(Array.from({ length: 400 }, (_, i) => i))).toHaveLength(512);
  });

  describe('the catalogue lookup', () => {
    let db: SqliteDatabase;
    beforeAll(async () => {
      db = new SqliteDatabase({ path: ':memory:' });
      const shop = new BuiltInShop(db);
      await shop.init();
      await shop.seed(seedFromSandboxCatalogue());
    });
    afterAll(() => db.close());

    it('prepares a bounded number of statements whatever the cart sizes, and finds the same products', async () => {
      const texts = new Set<string>();
      const recording: SqlExecutor = {
        dialect: db.dialect,
        query: <Row>(sql: string, params?: SqlParam[]) => {
          texts.add(sql);
          return db.query<Row>(sql, params);
        },
        execute: (sql: string, params?: SqlParam[]) => db.execute(sql, params),
      };
      const all = sellables();
      const lookups = all.flatMap((s) => [['reference', s.reference] as const, ['id', s.id] as const]);
      // What a lookup of that value alone answers (a one-value list needs no padding).
      const alone = new Map<string, unknown>();
      for (const [strategy, value] of lookups)
        alone.set(value, (await loadCatalogueIndex(db, [value])).resolve(strategy, value));
      // Carts of every size up to 64 values and a few up to a whole chunk, half of them shop ids (a second IN list
      // of its own length).
      const sizes = [...Array.from({ length: 64 }, (_, i) => i + 1), 100, 150, 250, 399];
      for (const size of sizes) {
        const cart = Array.from({ length: size }, (_, i) => lookups[i % lookups.length]);
        const index = await loadCatalogueIndex(recording, [...cart.map(([, value]) => value), `unknown-${size}`]);
        for (const [strategy, value] of cart) expect(index.resolve(strategy, value)).toEqual(alone.get(value));
      }
      // One text per pair of padded lengths met, where there would be one per size.
      expect(texts.size).toBeLessThanOrEqual(sizes.length / 3);
    });
  });
});
