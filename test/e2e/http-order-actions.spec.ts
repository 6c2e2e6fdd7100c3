import { DurableSagaRunner } from '../../src/cqrs/durable-saga-runner.js';
import type { ProjectionRunner } from '../../src/event-store/projections/projection-runner.js';
import {
  apiCaller,
  mapUncoveredCountriesToLaPoste,
  useHttpEngine,
} from '../../src/http/testing/http-engine-fixture.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from '../../src/orders/integration/testing/emulator-order.js';
import { ORDERS_PROJECTION_RUNNER } from '../../src/orders/projections/orders-read.module.js';
import { SQL_DATABASE, type SqlDatabase } from '../../src/database/sql-database.port.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';
import { eventually } from '../support/eventually.js';

interface Overview {
  marketplace: string;
  marketplaceOrderId: string;
  importState: string;
  shopOrderIds: string[];
  shipState: string;
  stockState: string;
  stockMessages: string[];
  stockFailureCode: string | null;
  lengowStatus: string | null;
}

describe('HTTP API: shop order changes and action re-sends', () => {
  const engine = useHttpEngine({ reactions: { shopFeedIntervalMs: 100 } });
  let imported: Overview[];

  const call = apiCaller(engine);
  const orderPath = (o: Overview) => `/api/orders/${o.marketplace}/${encodeURIComponent(o.marketplaceOrderId)}`;
  const listImported = async () =>
    ((await (await call('GET', '/api/orders?importState=imported&limit=500', 'v1')).json()) as { items: Overview[] })
      .items;
  /** An import carrier for the emulator's orders to France, so that an order added to the emulator imports. */
  const mapEmulatorFranceToLaPoste = async () => {
    const carrier = (await engine().app.get<Shop>(SHOP).listCarriers()).find((c) => c.name === 'La Poste')!;
    const mapped = await call('PUT', '/api/settings/default-carriers', 'a1', {
      marketplace: EMULATOR_MARKETPLACE,
      country: 'FR',
      importCarrier: { id: String(carrier.id), name: carrier.name },
    });
    expect(mapped.status).toBe(200);
  };
  /** The order's page once its stock is in `stockState` (the stock saga and the overview are asynchronous). */
  const orderOnceStock = (o: Overview, stockState: string, what: string) =>
    eventually(async () => {
      const seen = (await (await call('GET', orderPath(o), 'v1')).json()) as {
        overview: Overview | null;
        timeline: { entries: { type: string; data: Record<string, unknown> }[] };
      };
      return seen.overview?.stockState === stockState ? seen : undefined;
    }, what);
  /** Marketplace order ids of the list with these filters. */
  const listedIds = async (query: string) => {
    const response = await call('GET', `/api/orders?${query}&limit=500`, 'v1');
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Overview[] }).items.map((o) => o.marketplaceOrderId);
  };
  /** The counters' answer with these filters. */
  const countersOf = async (query: string) => {
    const response = await call('GET', `/api/orders/counters?${query}`, 'v1');
    expect(response.status).toBe(200);
    return (await response.json()) as {
      stockFailed: number | null;
      stockFailedByCode: Record<string, number> | null;
      marketplaces: { marketplace: string; stockFailed: number | null }[];
    };
  };
  /** `stockFailed` of the counters with these filters. */
  const stockFailedCount = async (query: string) => (await countersOf(query)).stockFailed;
  /** The counters' failed orders by code, and the marketplaces that have some. */
  const stockSplit = async (query: string) => {
    const { stockFailedByCode, marketplaces } = await countersOf(query);
    return {
      byCode: stockFailedByCode,
      marketplaces: marketplaces.filter((m) => m.stockFailed !== 0).map((m) => [m.marketplace, m.stockFailed]),
    };
  };
  /** The operator's retry of a failed decrement, accepted, then the order once its stock is taken. */
  const retryStockUntilTaken = async (o: Overview, idempotencyKey: string) => {
    const retry = await call(
      'POST',
      `${orderPath(o)}/retry-stock-decrement`,
      'o1',
      {},
      { 'idempotency-key': idempotencyKey },
    );
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ appended: ['StockDecrementRetryRequested'] });
    const done = await orderOnceStock(o, 'done', 'the stock taken on the retry');
    expect(done.timeline.entries.filter((e) => e.type === 'StockDecremented')).toHaveLength(1);
    return done;
  };

  beforeAll(async () => {
    // Default carriers first, so importable orders are imported (the sagas create their shop orders).
    expect((await call('POST', '/api/orders/import', 'o1', {})).status).toBe(200);
    await mapUncoveredCountriesToLaPoste(engine, call);
    expect((await call('POST', '/api/orders/import', 'o1', {})).status).toBe(200);
    const created = engine().sandbox!.manifest().byOutcome.created;
    const runner = engine().app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER);
    imported = await eventually(async () => {
      await runner.waitUntilCaughtUp(undefined, { timeoutMs: 10_000 });
      const orders = await listImported();
      return orders.length === created ? orders : undefined;
    }, 'every importable order to be imported');
  });

  it('ships a shop order once per Idempotency-Key, and the order records the shipment', async () => {
    // Waiting for shipment on Lengow's side: shipping it in the shop calls for a ship action.
    const order = imported.find((o) => o.shopOrderIds.length === 1 && o.lengowStatus === 'waiting_shipment')!;
    const [shopOrderId] = order.shopOrderIds;
    const body = { trackingNumber: '6A12345678901', carrier: 'La Poste' };
    const first = await call('POST', `/api/shop-orders/${shopOrderId}/ship`, 'o1', body, {
      'idempotency-key': 'ship-1',
    });
    expect(first.status).toBe(200);
    const result = (await first.json()) as { changed: boolean; order: { state: string; history: unknown[] } };
    expect(result).toMatchObject({ changed: true, order: { state: 'shipped' } });
    const again = await call('POST', `/api/shop-orders/${shopOrderId}/ship`, 'o1', body, {
      'idempotency-key': 'ship-1',
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const shopOrder = await engine().app.get<Shop>(SHOP).getOrder(shopOrderId);
    expect(shopOrder!.history.length).toBe(result.order.history.length);

    const types = await eventually(async () => {
      const detail = (await (await call('GET', `${orderPath(order)}/timeline?limit=500`, 'v1')).json()) as {
        entries: { type: string }[];
      };
      const seen = detail.entries.map((e) => e.type);
      return seen.includes('ShopOrderShipped') && seen.some((t) => t.startsWith('Action')) ? seen : undefined;
    }, 'the shipment and its Lengow action on the order');
    expect(types.filter((t) => t === 'ShopOrderShipped')).toHaveLength(1);
  });

  it('refuses a re-send when no action failed (409), and when the order moved since If-Match (412)', async () => {
    const order = imported.find((o) => o.shipState === 'none')!;
    const none = await call('POST', `${orderPath(order)}/resend`, 'o1', {});
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ code: 'NO_FAILED_ACTION' });
    const stale = await call('POST', `${orderPath(order)}/resend`, 'o1', {}, { 'if-match': 'W/"0"' });
    expect(stale.status).toBe(412);
    const bad = await call('POST', `${orderPath(order)}/resend`, 'o1', { actionType: 'teleport' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'actionType' }] });
  });

  it('names bad refund lines by path, and answers 404 for an unknown shop order', async () => {
    const order = imported.find((o) => o.shopOrderIds.length > 0)!;
    const bad = await call('POST', `/api/shop-orders/${order.shopOrderIds[0]}/refund`, 'o1', {
      lines: [{ lineId: 1, quantity: 'two' }],
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [{ field: 'lines[0].quantity' }] });
    const unknown = await call('POST', '/api/shop-orders/999999/cancel', 'o1', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'UNKNOWN_ORDER' });
    expect((await call('POST', '/api/shop-orders/999999/cancel', 'v1', {})).status).toBe(403);
  });

  it('changes a shop order through its order, refusing one of another order (422)', async () => {
    const [mine, other] = imported.filter((o) => o.shopOrderIds.length === 1 && o.shipState === 'none').slice(-2);
    const foreign = await call('POST', `${orderPath(mine)}/shop/cancel`, 'o1', { shopOrderId: other.shopOrderIds[0] });
    expect(foreign.status).toBe(422);
    expect(await foreign.json()).toMatchObject({ code: 'SHOP_ORDER_NOT_IN_ORDER', errors: [{ field: 'shopOrderId' }] });
    const own = await call('POST', `${orderPath(mine)}/shop/cancel`, 'o1', { shopOrderId: mine.shopOrderIds[0] });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ changed: true, order: { state: 'canceled' } });
    expect((await call('POST', `${orderPath(mine)}/shop/teleport`, 'o1', {})).status).toBe(404);
  });

  it("lists the shop's carriers for the settings forms", async () => {
    const response = await call('GET', '/api/shop/carriers', 'v1');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'La Poste' })]));
  });

  it('records a stock shortfall on the order, lists it, and takes the stock on the operator’s retry after restocking', async () => {
    const shop = engine().app.get<Shop>(SHOP);
    const stockSaga = engine().app.get(DurableSagaRunner).consumer('saga:ShopOrderSagas')!;
    // The stock saga runs after the import is listed: wait for one order it has decremented.
    const decremented = await eventually(
      async () => (await listImported()).find((o) => o.stockState === 'done'),
      'an imported order whose stock was decremented',
    );
    const taken = await call('POST', `${orderPath(decremented)}/retry-stock-decrement`, 'o1', {});
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await taken.json()).toMatchObject({ code: 'STOCK_ALREADY_DECREMENTED' });
    expect((await call('POST', `${orderPath(decremented)}/retry-stock-decrement`, 'v1', {})).status).toBe(403);

    // An order validated while its product was in stock, whose stock an operator then changed by hand before the
    // decrement ran (the stock saga is held back meanwhile), with "force product" off.
    const lines = [{ lineId: 'SHORT-1-1', product: '990001', quantity: 2, amount: 39.9 }];
    await shop.upsertProduct({ id: '990001', name: 'Short mug', stock: 5, priceCents: 1995 });
    await mapEmulatorFranceToLaPoste();
    expect((await call('PATCH', '/api/settings/import', 'a1', { forceProduct: false })).status).toBe(200);
    engine().sandbox!.state.orders.add(emulatorOrder({ marketplaceOrderId: 'SHORT-1', packages: [lines] }), Date.now());
    const short = { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'SHORT-1' } as Overview;
    await stockSaga.stop();
    try {
      const planned = await call('POST', `${orderPath(short)}/import`, 'o1', {});
      expect(await planned.json()).toMatchObject({ outcome: { kind: 'planned' } });
      await shop.setStock('990001', 1);
    } finally {
      await stockSaga.start();
    }

    const failed = await orderOnceStock(short, 'failed', 'the shortfall on the order');
    expect(failed.overview!.stockMessages).toEqual(['product 990001: 2 ordered, 1 in stock']);
    expect(failed.timeline.entries.find((e) => e.type === 'StockDecrementFailed')!.data).toMatchObject({
      code: 'STOCK_SHORTFALL',
      message: 'product 990001: 2 ordered, 1 in stock',
    });
    const listed = (await (await call('GET', '/api/orders?stockState=failed', 'v1')).json()) as { items: Overview[] };
    expect(listed.items.map((o) => o.marketplaceOrderId)).toEqual(['SHORT-1']);
    expect(await listedIds('stockFailureCode=STOCK_SHORTFALL')).toEqual(['SHORT-1']);
    expect(await listedIds('stockFailureCode=PRODUCT_NOT_IN_SHOP')).toEqual([]);
    // Counted apart, under the counters' other filters, for the dashboard's "Stock not decremented" state.
    expect(await stockFailedCount('')).toBe(1);
    expect(await stockFailedCount(`marketplace=${EMULATOR_MARKETPLACE}&search=short-1`)).toBe(1);
    expect(await stockFailedCount(`lengowStatus=${failed.overview!.lengowStatus}&importState=imported`)).toBe(1);
    expect(await stockFailedCount('marketplace=amazon_fr')).toBe(0);
    expect(await stockFailedCount('orderDateFrom=2000-01-01')).toBe(1);
    expect(await stockFailedCount('orderDateTo=2000-01-01')).toBe(0);
    expect(await stockFailedCount('stockFailureCode=PRODUCT_NOT_IN_SHOP')).toBe(0);
    // Split by cause and by marketplace: a restock, on the emulator's marketplace.
    expect(await stockSplit('')).toEqual({
      byCode: { STOCK_SHORTFALL: 1, PRODUCT_NOT_IN_SHOP: 0 },
      marketplaces: [[EMULATOR_MARKETPLACE, 1]],
    });
    expect(await stockSplit('orderDateTo=2000-01-01')).toEqual({
      byCode: { STOCK_SHORTFALL: 0, PRODUCT_NOT_IN_SHOP: 0 },
      marketplaces: [],
    });
    expect(await stockSaga.listParked()).toEqual([]);
    expect((await shop.getProduct('990001'))!.stock).toBe(1);

    await shop.setStock('990001', 5);
    await retryStockUntilTaken(short, 'r-1');
    expect((await shop.getProduct('990001'))!.stock).toBe(3);
    expect(await stockFailedCount('')).toBe(0);
    const again = await call('POST', `${orderPath(short)}/retry-stock-decrement`, 'o1', {});
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'STOCK_ALREADY_DECREMENTED' });
    expect((await call('PATCH', '/api/settings/import', 'a1', { forceProduct: true })).status).toBe(200);
  });

  it('records a product deleted from the shop catalogue before the decrement, not parked, and takes the stock on the retry once it is back', async () => {
    const shop = engine().app.get<Shop>(SHOP);
    const db = engine().app.get<SqlDatabase>(SQL_DATABASE);
    const stockSaga = engine().app.get(DurableSagaRunner).consumer('saga:ShopOrderSagas')!;
    const product = { id: '990002', name: 'Discontinued mug', stock: 5, priceCents: 1995 };
    await shop.upsertProduct(product);
    await mapEmulatorFranceToLaPoste();
    // The merchant deletes the product between the shop order's creation and the stock decrement (the shop has no
    // call for it: it is done in the back office). A trigger does it in the very transaction that writes the order
    // line, so the stock saga finds it gone whatever the timing; "force product" stays on: it cannot help here.
    await db.execute(
      `CREATE TRIGGER e2e_product_deleted AFTER INSERT ON shop_order_lines WHEN NEW.product_id = '990002'
       BEGIN DELETE FROM shop_products WHERE shop_id = '990002'; END`,
    );
    const lines = [{ lineId: 'GONE-1-1', product: product.id, quantity: 2, amount: 39.9 }];
    engine().sandbox!.state.orders.add(emulatorOrder({ marketplaceOrderId: 'GONE-1', packages: [lines] }), Date.now());
    const gone = { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'GONE-1' } as Overview;
    try {
      const planned = await call('POST', `${orderPath(gone)}/import`, 'o1', {});
      expect(await planned.json()).toMatchObject({ outcome: { kind: 'planned' } });

      const failed = await orderOnceStock(gone, 'failed', 'the product not in the shop on the order');
      expect(failed.overview).toMatchObject({
        importState: 'imported',
        stockFailureCode: 'PRODUCT_NOT_IN_SHOP',
        stockMessages: ['product 990002 is no longer in the shop catalogue'],
      });
      const recorded = failed.timeline.entries.find((e) => e.type === 'StockDecrementFailed')!.data;
      expect(recorded).toMatchObject({
        code: 'PRODUCT_NOT_IN_SHOP',
        message: 'product 990002 is no longer in the shop catalogue',
        shortfall: [],
        products: [{ productId: '990002', reason: 'missing' }],
      });
      const listed = (await (await call('GET', '/api/orders?stockState=failed', 'v1')).json()) as {
        items: Overview[];
      };
      expect(listed.items.map((o) => o.marketplaceOrderId)).toContain('GONE-1');
      // Listed apart from the shortfalls, which need a restock instead; counted the same way.
      expect(await listedIds('stockFailureCode=PRODUCT_NOT_IN_SHOP')).toEqual(['GONE-1']);
      expect(await listedIds('stockFailureCode=STOCK_SHORTFALL')).not.toContain('GONE-1');
      expect(await listedIds('stockFailureCode=STOCK_SHORTFALL&stockFailureCode=PRODUCT_NOT_IN_SHOP')).toEqual(
        await listedIds('stockState=failed'),
      );
      const counters = await call('GET', '/api/orders/counters?stockFailureCode=PRODUCT_NOT_IN_SHOP', 'v1');
      expect(await counters.json()).toMatchObject({
        total: 1,
        importState: { imported: 1 },
        stockFailed: 1,
        stockFailedByCode: { STOCK_SHORTFALL: 0, PRODUCT_NOT_IN_SHOP: 1 },
        marketplaces: [{ marketplace: EMULATOR_MARKETPLACE, total: 1, stockFailed: 1 }],
      });
      expect(await stockFailedCount('')).toBe(1);
      expect(await stockSplit('')).toEqual({
        byCode: { STOCK_SHORTFALL: 0, PRODUCT_NOT_IN_SHOP: 1 },
        marketplaces: [[EMULATOR_MARKETPLACE, 1]],
      });
      // Not retried into the parking lot: the operator has it on the order instead.
      expect(await stockSaga.listParked()).toEqual([]);
      const movements = async () =>
        Number(
          (
            await db.query<{ n: number | string }>(
              `SELECT COUNT(*) AS n FROM shop_stock_movements WHERE kind = 'decrement' AND idempotency_key = $1`,
              [String(recorded.key)],
            )
          )[0]!.n,
        );
      expect(await movements()).toBe(0);

      await db.execute('DROP TRIGGER e2e_product_deleted');
      await shop.upsertProduct(product);
      const done = await retryStockUntilTaken(gone, 'r-gone-1');
      expect(done.overview).toMatchObject({ stockFailureCode: null, stockMessages: [] });
      expect(await stockFailedCount('')).toBe(0);
      expect(await movements()).toBe(1);
      expect((await shop.getProduct(product.id))!.stock).toBe(3);
    } finally {
      await db.execute('DROP TRIGGER IF EXISTS e2e_product_deleted');
    }
  });
});
