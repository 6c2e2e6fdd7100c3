import type { FactoryProvider } from '@nestjs/common';
import { SQL_DATABASE, type SqlDatabase } from '../database/sql-database.port.js';
import { BuiltInShop, type BuiltInShopOptions } from './built-in/built-in-shop.js';
import { SHOP } from './shop.port.js';

/**
 * Provides SHOP as the built-in shop on the read-model database, its tables created before anything can use it.
 * Put it in the providers of a module that can inject SQL_DATABASE.
 */
export function builtInShopProvider(options: BuiltInShopOptions = {}): FactoryProvider<BuiltInShop> {
  return {
    provide: SHOP,
    inject: [SQL_DATABASE],
    useFactory: async (db: SqlDatabase) => {
      const shop = new BuiltInShop(db, options);
      await shop.init();
      return shop;
    },
  };
}
