import { PostgresDatabase } from '../database/postgres-database.js';
import type { SqlDatabase } from '../database/sql-database.port.js';
import { SqliteDatabase } from '../database/sqlite-database.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../test/support/services.js';
import { catalogueSourceOf, SqlMarketplaceCatalogueStore } from './marketplace-catalogue-store.js';

const LENGOW = 'https://api.lengow.io';
const EMULATOR = 'http://127.0.0.1:3999';
const body = (label: string) => ({ demo_market_fr: { name: label, orders: { status: {}, actions: {} } } });

/** The same behaviour on both adapters of the database port. */
function storeContract(open: () => Promise<{ db: SqlDatabase; close: () => Promise<void> }>) {
  let db: SqlDatabase;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ db, close } = await open());
  });
  afterEach(() => close());

  it('gives back the list it kept, as it was downloaded', async () => {
    const store = new SqlMarketplaceCatalogueStore(db);
    expect(await store.load(LENGOW)).toBeNull();
    await store.save(LENGOW, { body: body('Demo'), fetchedAt: '2024-05-01T10:00:00.000Z' });
    expect(await store.load(LENGOW)).toEqual({ body: body('Demo'), fetchedAt: '2024-05-01T10:00:00.000Z' });
    // Another store on the same database (a restarted process) finds it too.
    expect(await new SqlMarketplaceCatalogueStore(db).load(LENGOW)).toMatchObject({ body: body('Demo') });
  });

  it('keeps the newer list when two processes save theirs', async () => {
    const store = new SqlMarketplaceCatalogueStore(db);
    await store.save(LENGOW, { body: body('Later'), fetchedAt: '2024-05-01T12:00:00.000Z' });
    await store.save(LENGOW, { body: body('Earlier'), fetchedAt: '2024-05-01T10:00:00.000Z' });
    expect(await store.load(LENGOW)).toEqual({ body: body('Later'), fetchedAt: '2024-05-01T12:00:00.000Z' });
    await store.save(LENGOW, { body: body('Latest'), fetchedAt: '2024-05-01T13:00:00.000Z' });
    expect((await store.load(LENGOW))!.body).toEqual(body('Latest'));
  });

  it('never serves one API’s list for another', async () => {
    const store = new SqlMarketplaceCatalogueStore(db);
    await store.save(EMULATOR, { body: body('Emulator'), fetchedAt: '2024-05-01T10:00:00.000Z' });
    expect(await store.load(LENGOW)).toBeNull();
    expect((await store.load(EMULATOR))!.body).toEqual(body('Emulator'));
  });
}

describe('SqlMarketplaceCatalogueStore on SQLite', () => {
  storeContract(async () => {
    const db = new SqliteDatabase({ path: ':memory:' });
    return { db, close: () => db.close() };
  });
});

const postgres = await checkPostgres();

describeWithService(postgres, 'SqlMarketplaceCatalogueStore on PostgreSQL', () => {
  storeContract(async () => {
    const schema = freshSchemaName('catalogue');
    const db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 2 });
    await db.init();
    return {
      db,
      close: async () => {
        await db.close();
        await dropSchema(schema);
      },
    };
  });
});

describe('catalogueSourceOf', () => {
  it('names the API by its URL, without credentials, query or trailing slash', () => {
    expect(catalogueSourceOf('https://api.lengow.io/')).toBe('https://api.lengow.io');
    expect(catalogueSourceOf('https://user:pass@api.lengow.io/v?x=1')).toBe('https://api.lengow.io/v');
    expect(catalogueSourceOf('http://127.0.0.1:3999')).toBe('http://127.0.0.1:3999');
  });
});
