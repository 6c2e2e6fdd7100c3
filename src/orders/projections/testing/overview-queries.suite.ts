import type { ProjectionRunner } from '../../../event-store/projections/projection-runner.js';
import { STOCK_DECREMENT_FAILURE_CODES } from '../../domain/stock-decrement-failure.js';
import { InvalidOverviewQuery } from '../invalid-overview-query.error.js';
import type { OrderOverview } from '../order-overview.js';
import { OverviewQueries, type OverviewCounters } from '../overview-queries.js';
import type { OverviewFilter, OverviewListQuery } from '../overview-query.js';
import { ORDER_STORIES, OrderStoryWriter, type OrderStory } from './order-stories.js';
import { startOverviewRunner } from './overview-projection.suite.js';
import type { OpenReadSide, ReadSideDatabases } from './read-side-databases.js';

const CUSTOMERS = [
  { firstName: 'Anne', lastName: 'Martin' },
  { firstName: 'Hélène', lastName: 'Dupré' },
  { firstName: 'Marc', lastName: 'Lefèvre' },
];

/** OverviewQueries against the live views of a running projection (SQLite or PostgreSQL). */
export function overviewQueriesSuite(open: OpenReadSide): void {
  let sides: ReadSideDatabases;
  let writer: OrderStoryWriter;
  let runner: ProjectionRunner;
  let queries: OverviewQueries;

  const write = async (
    marketplace: string,
    id: string,
    story: OrderStory,
    customer = CUSTOMERS[0],
    orderDate?: string,
  ) => {
    await writer.write({ marketplace, marketplaceOrderId: id, customer, orderDate }, story);
  };
  const caughtUp = async () => runner.waitUntilCaughtUp(await writer.lastPosition(), { timeoutMs: 20_000 });
  const all = async (query: OverviewListQuery = {}) => {
    const items: OrderOverview[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<OverviewQueries['list']>> = await queries.list({ ...query, cursor, limit: 7 });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const ids = (rows: OrderOverview[]) => rows.map((row) => row.marketplaceOrderId).sort();

  beforeEach(async () => {
    sides = await open();
    writer = new OrderStoryWriter(sides.store);
    runner = startOverviewRunner(sides.store, sides.db);
    queries = new OverviewQueries(sides.db);
    // 27 orders: every story on three marketplaces, customers in turn, one order date a day from 1 April 2024.
    for (const [m, marketplace] of ['demo_market_fr', 'other_shop_de', 'third_mall_it'].entries()) {
      for (const [i, story] of ORDER_STORIES.entries()) {
        const orderDate = new Date(Date.UTC(2024, 3, 1 + m * 9 + i, 10)).toISOString();
        await write(
          marketplace,
          `M${m}-${String(i).padStart(2, '0')}-${story}`,
          story,
          CUSTOMERS[(m + i) % 3],
          orderDate,
        );
      }
    }
    await runner.start();
    await caughtUp();
  });

  afterEach(async () => {
    await runner.stop();
    await sides.cleanup();
  });

  it('visits every row exactly once across pages while orders are inserted in between', async () => {
    for (const sort of ['marketplace_order_id', 'order_date', 'last_event_at'] as const) {
      for (const direction of ['asc', 'desc'] as const) {
        const before = new Set((await all()).map((row) => row.stream));
        const seen: string[] = [];
        const inserted: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Awaited<ReturnType<OverviewQueries['list']>> = await queries.list({
            sort,
            direction,
            limit: 6,
            cursor,
          });
          seen.push(...page.items.map((row) => row.stream));
          cursor = page.nextCursor;
          // Two new orders between pages: ids that sort first and last, so some land before and some after the cursor.
          const n = `${sort}-${direction}-${pages++}`;
          await write('demo_market_fr', `A-${n}`, 'imported');
          await write('demo_market_fr', `Z-${n}`, 'pending');
          inserted.push(`order-demo_market_fr-A-${n}`, `order-demo_market_fr-Z-${n}`);
          await caughtUp();
        } while (cursor);

        expect(new Set(seen).size).toBe(seen.length);
        for (const stream of before) expect(seen).toContain(stream);
        expect(seen.filter((stream) => !before.has(stream) && !inserted.includes(stream))).toEqual([]);
        if (sort === 'marketplace_order_id') {
          // Rows inserted ahead of the cursor show up on a later page; rows inserted behind it never do.
          const ahead = direction === 'asc' ? '-Z-' : '-A-';
          const behind = direction === 'asc' ? '-A-' : '-Z-';
          const seenInserted = seen.filter((stream) => inserted.includes(stream));
          expect(seenInserted.some((stream) => stream.includes(ahead))).toBe(true);
          expect(seenInserted.some((stream) => stream.includes(behind))).toBe(false);
        }
        // Rows come in the requested order.
        const rows = await Promise.all(seen.map((stream) => queries.getByStream(stream)));
        const keys = rows.map((row) =>
          sort === 'marketplace_order_id'
            ? row!.marketplaceOrderId
            : sort === 'order_date'
              ? (row!.orderDate ?? row!.firstSeenAt)
              : row!.lastEventAt,
        );
        const sorted = [...keys].sort();
        if (direction === 'desc') sorted.reverse();
        if (sort !== 'last_event_at') expect(keys).toEqual(sorted);
      }
    }
  }, 120_000);

  it('filters by import state, action state, marketplace, Lengow status, progress and order date', async () => {
    expect(ids(await all({ importState: 'not_imported' }))).toEqual([
      'M0-02-not_imported',
      'M1-02-not_imported',
      'M2-02-not_imported',
    ]);
    expect(ids(await all({ importState: ['ignored', 'pending'] }))).toHaveLength(6);
    // "Not shipped": the engine's refusal and Lengow's.
    expect(ids(await all({ actionState: 'failed', actionType: 'ship', marketplace: 'other_shop_de' }))).toEqual([
      'M1-04-not_shipped',
      'M1-07-ship_refused',
    ]);
    expect(ids(await all({ actionState: 'waiting', marketplace: ['DEMO_MARKET_FR', 'third_mall_it'] }))).toEqual([
      'M0-05-ship_waiting',
      'M2-05-ship_waiting',
    ]);
    expect(ids(await all({ lengowStatus: 'canceled' }))).toHaveLength(3);
    expect(ids(await all({ progress: 'closed', marketplace: 'third_mall_it' }))).toEqual([
      'M2-08-canceled_by_marketplace',
    ]);
    expect(await all({ actionType: 'cancel' })).toEqual([]);

    // Every story records the marketplace's order date, whatever its import state.
    const byDate = await all({ sort: 'order_date', direction: 'asc' });
    expect(byDate.every((row) => row.orderDate !== null)).toBe(true);
    expect(byDate.map((row) => row.orderDate)).toEqual(byDate.map((row) => row.orderDate).sort());
    const middle = byDate[13]!.orderDate!;
    const from = await all({ orderDateFrom: middle });
    const to = await all({ orderDateTo: middle });
    expect([from.length, to.length]).toEqual([14, 13]);
    expect(from.every((row) => row.orderDate! >= middle) && to.every((row) => row.orderDate! < middle)).toBe(true);
    expect(await queries.count({ orderDateFrom: middle })).toBe(from.length);
    expect(ids(await all({ orderDateFrom: '2024-04-04T00:00:00Z', orderDateTo: '2024-04-05T00:00:00Z' }))).toEqual([
      'M0-03-ignored',
    ]);
  });

  it('searches marketplace order ids, shop order ids and customer names by prefix, ignoring case and accents', async () => {
    expect(ids(await all({ search: 'm1-03' }))).toEqual(['M1-03-ignored']);
    expect(ids(await all({ search: 'so-m2-06' }))).toEqual(['M2-06-shipped']);
    // Nine orders are Hélène's, the ignored and the not-imported ones too: every import decision records the customer.
    const helene = await all({ search: 'helene DUP' });
    expect(helene).toHaveLength(9);
    expect(helene.every((row) => row.customerName === 'Hélène Dupré')).toBe(true);
    expect(helene.filter((row) => row.importState === 'ignored' || row.importState === 'not_imported')).toHaveLength(2);
    expect(ids(await all({ search: 'lefe', importState: 'imported', actionState: 'done' }))).toEqual(
      ids(
        (await all({ importState: 'imported', actionState: 'done' })).filter((r) => r.customerName === 'Marc Lefèvre'),
      ),
    );
    expect(await all({ search: 'nobody' })).toEqual([]);
    expect(await all({ search: '%' })).toEqual([]);
    expect(await all({ search: "' OR 1=1 --" })).toEqual([]);
  });

  it('counts by state and marketplace, from the counters table or the rows, equal to the rows', async () => {
    const rows = await all();
    const expected = (subset: OrderOverview[]) => ({
      total: subset.length,
      importState: tally(subset, 'importState', ['pending', 'imported', 'not_imported', 'ignored']),
      actionState: tally(subset, 'actionState', ['none', 'waiting', 'done', 'failed', 'closed']),
      progress: tally(subset, 'progress', ['in_progress', 'closed']),
    });
    const counters = await queries.counters();
    expect(pick(counters)).toEqual(expected(rows));
    expect(counters.stockFailed).toBe(0);
    expect(counters.marketplaces.map((m) => [m.marketplace, m.label, m.total])).toEqual([
      ['demo_market_fr', 'Demo Market FR', 9],
      ['other_shop_de', 'Other Shop DE', 9],
      ['third_mall_it', 'Third Mall IT', 9],
    ]);
    expect(counters.lengowStatuses).toEqual([
      { lengowStatus: 'waiting_shipment', total: 24 },
      { lengowStatus: 'canceled', total: 3 },
    ]);
    // Same answer from order_counters (marketplace filter) and from a GROUP BY over rows (search forces it).
    const demo = rows.filter((row) => row.marketplace === 'demo_market_fr');
    expect(pick(await queries.counters({ marketplace: 'demo_market_fr' }))).toEqual(expected(demo));
    const martin = rows.filter((row) => row.customerName === 'Anne Martin');
    expect(pick(await queries.counters({ search: 'martin' }))).toEqual(expected(martin));
    expect(await queries.count({ importState: 'imported' })).toBe(
      rows.filter((r) => r.importState === 'imported').length,
    );
    expect(await queries.count({ search: 'martin' })).toBe(martin.length);
  });

  it('finds the orders whose stock was not decremented, and counts them from the rows', async () => {
    await write('other_shop_de', 'M1-99-stock_short', 'stock_short');
    await caughtUp();
    expect(ids(await all({ stockState: 'failed' }))).toEqual(['M1-99-stock_short']);
    expect(ids(await all({ stockState: ['failed'], marketplace: 'demo_market_fr' }))).toEqual([]);
    const imported = (await all({ importState: 'imported' })).map((row) => row.stockState);
    expect(new Set(imported)).toEqual(new Set(['pending', 'failed']));
    expect(await queries.count({ stockState: 'failed' })).toBe(1);
    expect(await queries.counters({ stockState: 'failed' })).toMatchObject({
      total: 1,
      importState: { imported: 1 },
      marketplaces: [{ marketplace: 'other_shop_de', total: 1 }],
    });
    await expect(queries.list({ stockState: 'short' as never })).rejects.toMatchObject({ field: 'stockState' });
  });

  it('counts the orders whose stock was not decremented under the counters’ other filters, as the list finds them', async () => {
    await write('other_shop_de', 'M1-97-stock_short', 'stock_short', CUSTOMERS[0], '2024-05-02T10:00:00.000Z');
    await write('demo_market_fr', 'M0-98-stock_gone', 'stock_product_gone', CUSTOMERS[1], '2024-05-03T10:00:00.000Z');
    await write('third_mall_it', 'M2-99-stock_gone', 'stock_product_gone', CUSTOMERS[2], '2024-05-04T10:00:00.000Z');
    await caughtUp();
    const cases: [OverviewFilter, number][] = [
      [{}, 3],
      // Answered from order_counters for the other totals; the stock count reads the rows either way.
      [{ marketplace: 'demo_market_fr' }, 1],
      [{ marketplace: ['demo_market_fr', 'third_mall_it'], lengowStatus: 'waiting_shipment' }, 2],
      [{ lengowStatus: 'canceled' }, 0],
      [{ importState: 'imported', actionState: 'none' }, 3],
      [{ importState: 'not_imported' }, 0],
      [{ orderDateFrom: '2024-05-03T00:00:00Z' }, 2],
      [{ orderDateFrom: '2024-05-02T00:00:00Z', orderDateTo: '2024-05-03T00:00:00Z' }, 1],
      [{ search: 'martin' }, 1],
      [{ search: 'lefe', marketplace: 'third_mall_it' }, 1],
      [{ search: 'lefe', marketplace: 'demo_market_fr' }, 0],
      [{ stockFailureCode: 'PRODUCT_NOT_IN_SHOP' }, 2],
    ];
    for (const [filter, stockFailed] of cases) {
      const failed = await all({ ...filter, stockState: 'failed' });
      const counters = await queries.counters(filter);
      expect({ filter, listed: failed.length, counted: counters.stockFailed }).toEqual({
        filter,
        listed: stockFailed,
        counted: stockFailed,
      });
      // Split by cause and by marketplace as the list finds them, every code present, each split summing to the count.
      const byCode = Object.fromEntries(
        STOCK_DECREMENT_FAILURE_CODES.map((code) => [
          code,
          failed.filter((row) => row.stockFailureCode === code).length,
        ]),
      );
      const onMarketplace = (marketplace: string) => failed.filter((row) => row.marketplace === marketplace).length;
      expect({ filter, split: stockSplit(counters) }).toEqual({
        filter,
        split: {
          byCode,
          marketplaces: counters.marketplaces.map((m) => [m.marketplace, onMarketplace(m.marketplace)]),
          sums: [stockFailed, stockFailed],
        },
      });
    }
    // The splits by hand: all of them, and filters that leave some of the failed orders out.
    expect(stockSplit(await queries.counters())).toEqual({
      byCode: { STOCK_SHORTFALL: 1, PRODUCT_NOT_IN_SHOP: 2 },
      marketplaces: [
        ['demo_market_fr', 1],
        ['other_shop_de', 1],
        ['third_mall_it', 1],
      ],
      sums: [3, 3],
    });
    expect(
      stockSplit(
        await queries.counters({ marketplace: ['demo_market_fr', 'third_mall_it'], lengowStatus: 'waiting_shipment' }),
      ),
    ).toEqual({
      byCode: { STOCK_SHORTFALL: 0, PRODUCT_NOT_IN_SHOP: 2 },
      marketplaces: [
        ['demo_market_fr', 1],
        ['third_mall_it', 1],
      ],
      sums: [2, 2],
    });
    expect(
      stockSplit(
        await queries.counters({ orderDateFrom: '2024-05-02T00:00:00Z', orderDateTo: '2024-05-03T00:00:00Z' }),
      ),
    ).toEqual({
      byCode: { STOCK_SHORTFALL: 1, PRODUCT_NOT_IN_SHOP: 0 },
      marketplaces: [['other_shop_de', 1]],
      sums: [1, 1],
    });
    expect(stockSplit(await queries.counters({ search: 'lefe' }))).toEqual({
      byCode: { STOCK_SHORTFALL: 0, PRODUCT_NOT_IN_SHOP: 1 },
      // Marc Lefèvre's orders: three a marketplace, and the failed one on third_mall_it (most orders, first).
      marketplaces: [
        ['third_mall_it', 1],
        ['demo_market_fr', 0],
        ['other_shop_de', 0],
      ],
      sums: [1, 1],
    });
    expect(stockSplit(await queries.counters({ stockFailureCode: 'STOCK_SHORTFALL' }))).toEqual({
      byCode: { STOCK_SHORTFALL: 1, PRODUCT_NOT_IN_SHOP: 0 },
      marketplaces: [['other_shop_de', 1]],
      sums: [1, 1],
    });
    // None matching: every code still answers, with 0, and every marketplace the totals list.
    expect(await queries.counters({ lengowStatus: 'canceled' })).toMatchObject({
      stockFailed: 0,
      stockFailedByCode: { STOCK_SHORTFALL: 0, PRODUCT_NOT_IN_SHOP: 0 },
      marketplaces: [
        { marketplace: 'demo_market_fr', total: 1, stockFailed: 0 },
        { marketplace: 'other_shop_de', total: 1, stockFailed: 0 },
        { marketplace: 'third_mall_it', total: 1, stockFailed: 0 },
      ],
    });
    // A stock filter narrows the count like any other: none of the orders whose stock was taken failed.
    expect((await queries.counters({ stockState: 'done' })).stockFailed).toBe(0);
    expect((await queries.counters({ stockState: ['done', 'failed'] })).stockFailed).toBe(3);
    // The other totals do not move: a stock failure is not a state of its own in them.
    expect(await queries.counters()).toMatchObject({ total: 30, importState: { imported: 21 }, stockFailed: 3 });
  });

  it('tells the orders short of stock from those whose products left the catalogue, in lists and counts', async () => {
    await write('other_shop_de', 'M1-97-stock_short', 'stock_short');
    await write('demo_market_fr', 'M0-98-stock_product_gone', 'stock_product_gone');
    await write('third_mall_it', 'M2-99-stock_product_gone', 'stock_product_gone');
    await caughtUp();
    expect(ids(await all({ stockFailureCode: 'STOCK_SHORTFALL' }))).toEqual(['M1-97-stock_short']);
    const gone = await all({ stockFailureCode: ['PRODUCT_NOT_IN_SHOP'] });
    expect(ids(gone)).toEqual(['M0-98-stock_product_gone', 'M2-99-stock_product_gone']);
    expect(gone.every((row) => row.stockState === 'failed' && row.stockFailureCode === 'PRODUCT_NOT_IN_SHOP')).toBe(
      true,
    );
    expect(ids(await all({ stockFailureCode: ['STOCK_SHORTFALL', 'PRODUCT_NOT_IN_SHOP'] }))).toEqual(
      ids(await all({ stockState: 'failed' })),
    );
    expect(ids(await all({ stockFailureCode: 'PRODUCT_NOT_IN_SHOP', marketplace: 'third_mall_it' }))).toEqual([
      'M2-99-stock_product_gone',
    ]);
    expect(await all({ stockFailureCode: 'PRODUCT_NOT_IN_SHOP', stockState: 'done' })).toEqual([]);
    expect(await queries.count({ stockFailureCode: 'PRODUCT_NOT_IN_SHOP' })).toBe(2);
    expect(await queries.count({ stockFailureCode: 'STOCK_SHORTFALL', importState: 'imported' })).toBe(1);
    expect(await queries.counters({ stockFailureCode: 'PRODUCT_NOT_IN_SHOP' })).toMatchObject({
      total: 2,
      importState: { imported: 2 },
      marketplaces: [
        { marketplace: 'demo_market_fr', total: 1 },
        { marketplace: 'third_mall_it', total: 1 },
      ],
    });
    // An unknown code is refused by name, with the codes that exist: never read as "no such orders".
    for (const stockFailureCode of ['OUT_OF_STOCK', 'stock_shortfall', ['PRODUCT_NOT_IN_SHOP', '']]) {
      const refused = {
        field: 'stockFailureCode',
        message: expect.stringMatching(/STOCK_SHORTFALL, PRODUCT_NOT_IN_SHOP/),
      };
      const query = { stockFailureCode } as unknown as OverviewListQuery;
      await expect(queries.list(query)).rejects.toMatchObject({ ...refused, code: 'INVALID_OVERVIEW_QUERY' });
      await expect(queries.count(query)).rejects.toMatchObject(refused);
      await expect(queries.counters(query)).rejects.toMatchObject(refused);
    }
  });

  it('finds one order by key or shop order id, and refuses bad input with a typed error', async () => {
    const order = await queries.get({ marketplace: ' Demo_Market_FR ', marketplaceOrderId: 'M0-06-shipped' });
    expect(order).toMatchObject({ stream: 'order-demo_market_fr-M0-06-shipped', shipState: 'done' });
    expect(await queries.findByShopOrderId('SO-M0-06-shipped')).toEqual([order]);
    expect(await queries.get({ marketplace: 'demo_market_fr', marketplaceOrderId: 'nope' })).toBeNull();
    expect(await queries.get({ marketplace: '', marketplaceOrderId: 'x' })).toBeNull();

    const bad: unknown[] = [
      { sort: 'customer' },
      { direction: 'up' },
      { limit: 0 },
      { limit: 501 },
      { limit: 2.5 },
      { importState: 'done' },
      { actionType: 'accept' },
      { orderDateFrom: 'yesterday' },
      { cursor: 'not-a-cursor' },
      { marketplace: [''] },
      { search: 42 },
    ];
    for (const query of bad) {
      await expect(queries.list(query as OverviewListQuery)).rejects.toBeInstanceOf(InvalidOverviewQuery);
    }
    const { nextCursor } = await queries.list({ sort: 'order_date', limit: 2 });
    await expect(queries.list({ sort: 'last_event_at', cursor: nextCursor })).rejects.toThrow(/another sort/);
  });
}

function tally<K extends 'importState' | 'actionState' | 'progress'>(
  rows: OrderOverview[],
  field: K,
  values: readonly string[],
): Record<string, number> {
  return Object.fromEntries(values.map((value) => [value, rows.filter((row) => row[field] === value).length]));
}

/** The counters' failed orders by code and by marketplace, and what each split sums to. */
function stockSplit(counters: OverviewCounters) {
  const byCode = counters.stockFailedByCode;
  const marketplaces = counters.marketplaces.map((m) => [m.marketplace, m.stockFailed]);
  const sum = (counts: unknown[]) => counts.reduce<number>((total, n) => total + Number(n), 0);
  return {
    byCode,
    marketplaces,
    sums: [sum(Object.values(byCode ?? {})), sum(counters.marketplaces.map((m) => m.stockFailed))],
  };
}

function pick(counters: OverviewCounters) {
  const { total, importState, actionState, progress } = counters;
  return { total, importState, actionState, progress };
}
