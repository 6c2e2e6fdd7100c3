import { PostgresDatabase } from '../../src/database/postgres-database.js';
import { BuiltInShop } from '../../src/shop/built-in/built-in-shop.js';
import { checkPostgres, describeWithService, dropSchema, freshSchemaName, POSTGRES_URL } from '../support/services.js';
import { shopContract } from './shop.contract.js';

const postgres = await checkPostgres();

describeWithService(postgres, 'PostgreSQL built-in shop', () => {
  shopContract('built-in shop on PostgreSQL', async () => {
    const schema = freshSchemaName('shop');
    const databases: PostgresDatabase[] = [];
    const open = async (): Promise<BuiltInShop> => {
      const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 6 });
      databases.push(db);
      await db.init();
      const shop = new BuiltInShop(db);
      await shop.init();
      return shop;
    };
    const shop = await open();
    return {
      shop,
      // Its own pool: concurrent calls really race from separate connections, as from another process.
      openAnother: open,
      close: async () => {
        await Promise.all(databases.map((db) => db.close()));
        await dropSchema(schema);
      },
    };
  });
});
