import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import { OverviewQueries } from './overview-queries.js';
import { OVERVIEW_TABLES } from './overview-schema.js';
import { OrderStoryWriter } from './testing/order-stories.js';
import { startOverviewRunner } from './testing/overview-projection.suite.js';
import { overviewQueriesSuite } from './testing/overview-queries.suite.js';
import { openPostgres, openSqlite } from './testing/read-side-databases.js';

const postgres = await checkPostgres();

describe('OverviewQueries on SQLite', () => overviewQueriesSuite(openSqlite));
describeWithService(postgres, 'OverviewQueries on PostgreSQL', () => overviewQueriesSuite(openPostgres));

describe('OverviewQueries while an upgrade that added columns is still rebuilding', () => {
  it('keeps answering from the previous version’s tables, the added fields unknown', async () => {
    const sides = await openSqlite();
    try {
      const writer = new OrderStoryWriter(sides.store);
      const { stream } = await writer.write({ marketplace: 'demo_market_fr', marketplaceOrderId: 'UP-1' }, 'imported');
      const runner = startOverviewRunner(sides.store, sides.db);
      await runner.start();
      await runner.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
      await runner.stop();
      // The live generation as version 2 built it: no stock columns (the view is re-pointed the way a switch does).
      const live = 'order_overview__g1';
      for (const sql of [
        `DROP VIEW ${OVERVIEW_TABLES.overview}`,
        `DROP INDEX ${live}_by_stock_state`,
        `ALTER TABLE ${live} DROP COLUMN stock_state`,
        `ALTER TABLE ${live} DROP COLUMN stock_messages`,
        `CREATE VIEW ${OVERVIEW_TABLES.overview} AS SELECT * FROM ${live}`,
      ])
        await sides.db.execute(sql);

      const queries = new OverviewQueries(sides.db);
      const [row] = (await queries.list()).items;
      expect(row).toMatchObject({ stream, importState: 'imported', stockState: null, stockMessages: [] });
      expect(await queries.getByStream(stream)).toEqual(row);
      expect(await queries.findByShopOrderId('SO-UP-1')).toEqual([row]);
      // The filter on the added column waits for the switch: a typed refusal naming it, not a server error.
      const waits = expect.objectContaining({ code: 'OVERVIEW_FILTER_UNAVAILABLE', field: 'stockState' });
      await expect(queries.list({ stockState: 'failed' })).rejects.toEqual(waits);
      await expect(queries.count({ stockState: 'failed' })).rejects.toEqual(waits);
      await expect(queries.counters({ stockState: 'failed' })).rejects.toEqual(waits);
      expect(await queries.count({ importState: 'imported' })).toBe(1);
    } finally {
      await sides.cleanup();
    }
  });
});
