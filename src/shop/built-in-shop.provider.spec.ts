import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { SQL_DATABASE } from '../database/sql-database.port.js';
import { SqliteDatabase } from '../database/sqlite-database.js';
import { BuiltInShop } from './built-in/built-in-shop.js';
import { builtInShopProvider } from './built-in-shop.provider.js';
import { SHOP, type Shop } from './shop.port.js';

describe('builtInShopProvider', () => {
  it('provides an initialised built-in shop on the injected database', async () => {
    const db = new SqliteDatabase({ path: ':memory:' });
    const moduleRef = await Test.createTestingModule({
      providers: [{ provide: SQL_DATABASE, useValue: db }, builtInShopProvider({ currencies: ['EUR', 'CHF'] })],
    }).compile();
    const shop = moduleRef.get<Shop>(SHOP);
    expect(shop).toBeInstanceOf(BuiltInShop);
    // Usable at once: init() ran inside the factory.
    expect(await shop.enabledCurrencies()).toEqual(['CHF', 'EUR']);
    await moduleRef.close();
    await db.close();
  });

  it('fails at construction on a malformed currency or country setting, not at the first order', () => {
    const db = new SqliteDatabase({ path: ':memory:' });
    expect(() => new BuiltInShop(db, { currencies: ['EURO'] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SHOP_INPUT' }),
    );
    expect(() => new BuiltInShop(db, { countries: [{ isoA2: 'FRA', name: 'France', active: true }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_SHOP_INPUT' }),
    );
  });
});
