import { PostgresDatabase } from '../../database/postgres-database.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres-event-store.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import type { Shop } from '../../shop/shop.port.js';
import {
  checkPostgres,
  describeWithService,
  dropSchema,
  freshSchemaName,
  POSTGRES_URL,
} from '../../../test/support/services.js';
import {
  MarkShopOrderCanceled,
  MarkShopOrderRefunded,
  MarkShopOrderShipped,
} from '../integration/mark-shop-order-commands.js';
import { emulatorOrder } from '../integration/testing/emulator-order.js';
import { PortFaults } from '../integration/testing/port-faults.js';
import { ReactionsEngine } from '../integration/testing/reactions-test-engine.js';

const postgres = await checkPostgres();

describeWithService(postgres, 'OrdersReactionsModule on PostgreSQL (event store, read models and shop)', () => {
  let sandbox: Sandbox;
  let schema: string;
  let db: PostgresDatabase;
  let store: PostgresEventStore;
  let engine: ReactionsEngine;
  let shop: PortFaults<Shop>;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.state.reset();
    schema = freshSchemaName('reactions');
    db = new PostgresDatabase({ connectionString: POSTGRES_URL, schema, max: 8 });
    await db.init();
    store = new PostgresEventStore(db);
    await store.init();
    shop = new PortFaults<Shop>();
    engine = await ReactionsEngine.start({ sandbox, database: { db, store }, wrapShop: (real) => shop.wrap(real) });
  });
  afterEach(async () => {
    await engine.close();
    await store.close();
    await db.close();
    await dropSchema(schema);
  });

  it('runs the whole chain: shop order, stock once, moi, ship posted once and confirmed', async () => {
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'PG-1' }));
    await engine.settle();
    const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    expect((await engine.shop.getProduct('101'))!.stock).toBe(8);
    expect(engine.moiCallsOf(orderKey).map((call) => call.merchant_order_id)).toEqual([[String(shopOrder.id)]]);

    const ship = new MarkShopOrderShipped(
      { shopOrderId: String(shopOrder.id), carrier: 'Colissimo', trackingNumber: 'TRK-PG' },
      'pg-ship',
    );
    await engine.commands.execute(ship);
    await engine.commands.execute(ship);
    await engine.reactions.pollShopChanges();
    await engine.settle();
    await engine.reactions.pollActionResults();
    await engine.settle();
    expect(engine.actionsOf(orderKey)).toHaveLength(2);
    expect((await engine.eventTypes(orderKey)).filter((type) => type === 'ActionConfirmed')).toHaveLength(2);
    expect(await engine.reactions.pollActionResults()).toMatchObject({ accepted: 0, waiting: 0, errors: 0 });
  });

  it('keeps merchant command keys, and due import retries, in its own tables', async () => {
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'PG-2' }));
    await engine.settle();
    const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    const refund = new MarkShopOrderRefunded(
      { shopOrderId: String(shopOrder.id), lines: [{ lineId: shopOrder.lines[0].id, quantity: 1 }] },
      'pg-refund',
    );
    expect(await engine.commands.execute(refund)).toMatchObject({ replayed: false, changeId: 1 });
    expect(await engine.commands.execute(refund)).toMatchObject({ replayed: true, changeId: 1 });
    expect((await engine.shop.getOrder(shopOrder.id))!.lines[0].refundedQuantity).toBe(1);

    shop.fail('createOrders', () => new Error('connect ECONNREFUSED'));
    const failing = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'PG-3' }));
    await engine.settle();
    expect(await engine.eventTypes(failing)).toEqual(['OrderImportPlanned', 'OrderImportFailed']);
    const rows = await db.query<{ stream: string; attempt: string | number }>(
      'SELECT stream, attempt FROM import_retries',
    );
    expect(rows.map((row) => [row.stream, Number(row.attempt)])).toEqual([['order-cdiscount-PG-3', 1]]);

    // Re-imported by an operator: the events after it leave nothing open, and clear the row.
    await engine.reimportOrder(failing);
    await engine.settle();
    expect(await engine.eventTypes(failing)).toContain('OrderImported');
    expect(await db.query('SELECT stream FROM import_retries')).toEqual([]);
  });

  it('after a restart during a Lengow outage, requests the action from the list kept in PostgreSQL', async () => {
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'PG-4' }));
    await engine.settle();
    const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    const cancel = new MarkShopOrderCanceled({ shopOrderId: String(shopOrder.id), reason: 'PRICE_ERROR' }, 'pg-cancel');
    await engine.close();

    engine = await ReactionsEngine.start({ sandbox, database: { db, store } });
    sandbox.faults.add({ kind: 'http_503', route: '/v3.0/marketplaces', probability: 1 });
    try {
      await engine.commands.execute(cancel);
      await engine.reactions.pollShopChanges();
      await engine.settle();
    } finally {
      sandbox.faults.clear();
    }
    const types = await engine.eventTypes(orderKey);
    expect(types.slice(types.indexOf('ShopOrderCanceled'))).toEqual([
      'ShopOrderCanceled',
      'ActionRequested',
      'ActionSent',
      'ActionSent',
    ]);
    // One cancel per line, each with the merchant's reason.
    expect(engine.actionsOf(orderKey).map((action) => [action.actionType, action.args])).toEqual([
      ['cancel', { reason: 'PRICE_ERROR' }],
      ['cancel', { reason: 'PRICE_ERROR' }],
    ]);
    expect(await engine.reactions.deferredActionRequests()).toEqual([]);
  });
});
