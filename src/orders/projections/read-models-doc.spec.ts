import { readFileSync } from 'node:fs';
import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import { ORDER_STORIES, OrderStoryWriter } from './testing/order-stories.js';
import { startOverviewRunner } from './testing/overview-projection.suite.js';
import { openPostgres, openSqlite, type OpenReadSide } from './testing/read-side-databases.js';

const postgres = await checkPostgres();
const doc = readFileSync(new URL('../../../docs/read-models.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());

/** The example SQL of docs/read-models.md, run against a real read model so the documentation cannot rot. */
function docExamples(open: OpenReadSide, dialect: 'sqlite' | 'postgres'): void {
  it('runs every example query of docs/read-models.md and gets rows back', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const sides = await open();
    const runner = startOverviewRunner(sides.store, sides.db);
    try {
      const writer = new OrderStoryWriter(sides.store);
      for (const [i, story] of ORDER_STORIES.entries()) {
        await writer.write({ marketplace: 'amazon_fr', marketplaceOrderId: `DOC-${i}` }, story);
      }
      // One event of a type this code does not know, so every example has something to show.
      await sides.store.append('order-amazon_fr-DOC-1', [{ type: 'OrderArchived', data: {} }]);
      await writer.write({ marketplace: 'amazon_fr', marketplaceOrderId: 'DOC-stock' }, 'stock_short');
      await writer.write({ marketplace: 'amazon_fr', marketplaceOrderId: 'DOC-last' }, 'pending');
      await runner.start();
      await runner.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
      for (const block of blocks) {
        const only = /^-- (PostgreSQL|SQLite)/.exec(block)?.[1]?.toLowerCase();
        if (only && only !== dialect) continue;
        const sql = block.replace(/'SO-1042'/, `'SO-DOC-1'`);
        const rows = await sides.db.query(sql);
        expect({ sql, returnsRows: rows.length > 0 }).toEqual({ sql, returnsRows: true });
      }
    } finally {
      await runner.stop();
      await sides.cleanup();
    }
  });
}

describe('docs/read-models.md examples on SQLite', () => docExamples(openSqlite, 'sqlite'));
describeWithService(postgres, 'docs/read-models.md examples on PostgreSQL', () =>
  docExamples(openPostgres, 'postgres'),
);
