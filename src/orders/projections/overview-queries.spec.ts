import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import { OverviewQueries } from './overview-queries.js';
import { OVERVIEW_TABLES } from './overview-schema.js';
import { OrderStoryWriter, type OrderStory } from './testing/order-stories.js';
import { startOverviewRunner } from './testing/overview-projection.suite.js';
import { overviewQueriesSuite } from './testing/overview-queries.suite.js';
import { openPostgres, openSqlite } from './testing/read-side-databases.js';

const postgres = await checkPostgres();

describe('OverviewQueries on SQLite', () => overviewQueriesSuite(openSqlite));
describeWithService(postgres, 'OverviewQueries on PostgreSQL', () => overviewQueriesSuite(openPostgres));

describe('OverviewQueries while an upgrade that added columns is still rebuilding', () => {
  /** Overview queries on the live generation as an older version built it (the view re-pointed as a switch does). */
  const fromOlderGeneration = async (
    dropped: { indexes: string[]; columns: string[] },
    check: (queries: OverviewQueries, stream: string) => Promise<void>,
    more: { marketplace: string; marketplaceOrderId: string; story: OrderStory }[] = [],
  ) => {
    const sides = await openSqlite();
    try {
      const writer = new OrderStoryWriter(sides.store);
      const { stream } = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'UP-1' }, 'imported');
      for (const { story, ...order } of more) await writer.write(order, story);
      const runner = startOverviewRunner(sides.store, sides.db);
      await runner.start();
      await runner.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
      await runner.stop();
      const live = 'order_overview__g1';
      for (const sql of [
        `DROP VIEW ${OVERVIEW_TABLES.overview}`,
        ...dropped.indexes.map((index) => `DROP INDEX ${live}${index}`),
        ...dropped.columns.map((column) => `ALTER TABLE ${live} DROP COLUMN ${column}`),
        `CREATE VIEW ${OVERVIEW_TABLES.overview} AS SELECT * FROM ${live}`,
      ])
        await sides.db.execute(sql);
      await check(new OverviewQueries(sides.db), stream);
    } finally {
      await sides.cleanup();
    }
  };

  it('keeps answering from the previous version’s tables, the added fields unknown', async () => {
    // Version 2: no stock columns.
    const dropped = { indexes: ['_by_stock_state'], columns: ['stock_state', 'stock_messages', 'stock_failure_code'] };
    await fromOlderGeneration(dropped, async (queries, stream) => {
      const [row] = (await queries.list()).items;
      expect(row).toMatchObject({
        stream,
        importState: 'imported',
        stockState: null,
        stockMessages: [],
        stockFailureCode: null,
      });
      expect(await queries.getByStream(stream)).toEqual(row);
      expect(await queries.findByShopOrderId('SO-UP-1')).toEqual([row]);
      // A filter on an added column waits for the switch: a typed refusal naming it, not a server error.
      for (const [field, filter] of [
        ['stockState', { stockState: 'failed' }],
        ['stockFailureCode', { stockFailureCode: 'PRODUCT_NOT_IN_SHOP' }],
      ] as const) {
        const waits = expect.objectContaining({ code: 'OVERVIEW_FILTER_UNAVAILABLE', field });
        await expect(queries.list(filter)).rejects.toEqual(waits);
        await expect(queries.count(filter)).rejects.toEqual(waits);
        await expect(queries.counters(filter)).rejects.toEqual(waits);
      }
      expect(await queries.count({ importState: 'imported' })).toBe(1);
      // The counters still answer for every other state, from order_counters or from the rows; the stock count is
      // unknown until the switch (null: not a zero the dashboard would show as "none").
      for (const filter of [{}, { marketplace: 'demo_market_fr' }, { search: 'up-1' }]) {
        expect({ filter, counters: await queries.counters(filter) }).toEqual({
          filter,
          counters: expect.objectContaining({
            total: 1,
            importState: expect.objectContaining({ imported: 1 }),
            stockFailed: null,
            stockFailedByCode: null,
            marketplaces: [expect.objectContaining({ marketplace: 'demo_market_fr', total: 1, stockFailed: null })],
          }),
        });
      }
    });
  });

  it('refuses only the failure code filter while the upgrade to version 4 rebuilds', async () => {
    const short = { marketplace: 'other_shop_de', marketplaceOrderId: 'UP-2', story: 'stock_short' as const };
    await fromOlderGeneration(
      { indexes: [], columns: ['stock_failure_code'] },
      async (queries, stream) => {
        expect((await queries.list({ stockState: 'pending' })).items).toEqual([
          expect.objectContaining({ stream, stockFailureCode: null }),
        ]);
        const waits = expect.objectContaining({
          code: 'OVERVIEW_FILTER_UNAVAILABLE',
          field: 'stockFailureCode',
          column: 'stock_failure_code',
        });
        await expect(queries.list({ stockFailureCode: 'STOCK_SHORTFALL' })).rejects.toEqual(waits);
        await expect(queries.count({ stockFailureCode: 'STOCK_SHORTFALL' })).rejects.toEqual(waits);
        await expect(queries.counters({ stockFailureCode: 'STOCK_SHORTFALL' })).rejects.toEqual(waits);
        // The stock count and its split by marketplace need stock_state only, which version 3 has; the split by cause
        // is unknown until the switch (null, not zeros that would hide the failed order's cause).
        for (const filter of [{}, { marketplace: ['demo_market_fr', 'other_shop_de'] }, { search: 'up' }]) {
          expect({ filter, counters: await queries.counters(filter) }).toEqual({
            filter,
            counters: expect.objectContaining({
              total: 2,
              stockFailed: 1,
              stockFailedByCode: null,
              marketplaces: [
                expect.objectContaining({ marketplace: 'demo_market_fr', total: 1, stockFailed: 0 }),
                expect.objectContaining({ marketplace: 'other_shop_de', total: 1, stockFailed: 1 }),
              ],
            }),
          });
        }
        expect(await queries.counters({ marketplace: 'demo_market_fr' })).toMatchObject({
          total: 1,
          stockFailed: 0,
          stockFailedByCode: null,
          marketplaces: [{ marketplace: 'demo_market_fr', stockFailed: 0 }],
        });
      },
      [short],
    );
  });
});
