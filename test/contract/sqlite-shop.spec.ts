import { TempSqliteFolder } from '../../src/event-store/sqlite/testing/temp-sqlite-folder.js';
import { BuiltInShop } from '../../src/shop/built-in/built-in-shop.js';
import { shopContract } from './shop.contract.js';

shopContract('built-in shop on SQLite', async () => {
  const folder = new TempSqliteFolder('shop-contract');
  const db = folder.database('shop.db');
  const shop = new BuiltInShop(db);
  await shop.init();
  return {
    shop,
    // One process holds one SQLite connection (a second one in the same process would block the event loop on the
    // file lock), so "another instance" is a second shop on that connection, as a second module would get.
    openAnother: async () => {
      const other = new BuiltInShop(db);
      await other.init();
      return other;
    },
    close: () => folder.dispose(),
  };
});
