import type { SqlDatabase } from '../../database/sql-database.port.js';
import { SqliteDatabase } from '../../database/sqlite-database.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import { SqliteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import type { ActionRejected, ActionRequested } from '../domain/action-events.js';
import type { OrderKey } from '../domain/order-key.js';
import { MarkShopOrderCanceled, MarkShopOrderRefunded, MarkShopOrderShipped } from './mark-shop-order-commands.js';
import { DeferredActionRequests } from './deferred-action-requests.js';
import { RequestLengowAction } from './request-lengow-action.js';
import { ResendOrderAction } from './resend-order-action.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

/**
 * The shop-changes saga's request end to end: the engine's sagas and pollers on the built-in shop and the Lengow
 * emulator, whose fault switch makes Lengow unreachable.
 */

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.state.reset();
  sandbox.faults.clear();
});

async function imported(
  engine: ReactionsEngine,
  id: string,
  marketplaceStatus?: string,
): Promise<{ orderKey: OrderKey; shopOrderId: string; lineIds: number[] }> {
  const orderKey = await engine.importOrder(
    emulatorOrder({
      marketplaceOrderId: id,
      marketplaceStatus,
      packages: [[{ lineId: `${id}-1`, product: '101', quantity: 1, amount: 19.95 }]],
    }),
  );
  await engine.settle();
  const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
  return { orderKey, shopOrderId: String(shopOrder.id), lineIds: shopOrder.lines.map((line) => line.id) };
}

/** What a cron run does, and the sagas' work after it. */
async function pump(engine: ReactionsEngine): Promise<void> {
  await engine.reactions.pollShopChanges();
  await engine.settle();
}

async function parkedEvents(db: SqlDatabase): Promise<unknown[]> {
  return db.query('SELECT consumer, event_type, reason FROM parked_events');
}

describe('the merchant’s cancel or refund reason reaches Lengow (lengow-api.md §10.2)', () => {
  let engine: ReactionsEngine;
  beforeEach(async () => {
    engine = await ReactionsEngine.start({ sandbox });
  });
  afterEach(() => engine.close());

  it('cancel: the reason given in the shop goes instead of the marketplace’s default', async () => {
    const { orderKey, shopOrderId } = await imported(engine, 'RS-C1');
    await engine.commands.execute(new MarkShopOrderCanceled({ shopOrderId, reason: 'CUSTOMER_REQUEST' }, 'rs-c1'));
    await pump(engine);

    expect(engine.actionsOf(orderKey).map((action) => [action.actionType, action.args])).toEqual([
      ['cancel', { reason: 'CUSTOMER_REQUEST' }],
    ]);
    const requested = await engine.lastEvent<ActionRequested['data']>(orderKey, 'ActionRequested');
    expect(requested.data.choices).toEqual({ reason: 'CUSTOMER_REQUEST' });
    const canceled = await engine.lastEvent<{ reason?: string }>(orderKey, 'ShopOrderCanceled');
    expect(canceled.data.reason).toBe('CUSTOMER_REQUEST');
  });

  it('refund: the reason, given by its label, goes as the marketplace’s `refund_reason` code', async () => {
    const { orderKey, shopOrderId } = await imported(engine, 'RS-R1', 'Shipped');
    await engine.commands.execute(new MarkShopOrderRefunded({ shopOrderId, reason: 'Damaged product' }, 'rs-r1'));
    await pump(engine);

    const refunds = engine.actionsOf(orderKey).filter((action) => action.actionType === 'refund');
    expect(refunds.map((action) => action.args.refund_reason)).toEqual(['DAMAGED']);
  });

  it('a reason the marketplace does not list is refused before any call; the operator’s choice then goes', async () => {
    const { orderKey, shopOrderId } = await imported(engine, 'RS-C2');
    await engine.commands.execute(new MarkShopOrderCanceled({ shopOrderId, reason: 'changed my mind' }, 'rs-c2'));
    await pump(engine);

    expect(engine.actionsOf(orderKey)).toEqual([]);
    const rejected = await engine.lastEvent<ActionRejected['data']>(orderKey, 'ActionRejected');
    expect(rejected.data).toMatchObject({
      source: 'engine',
      failures: [
        {
          code: 'INVALID_ARGUMENT_VALUE',
          message: expect.stringContaining('changed my mind is not a valid value for reason'),
        },
      ],
    });

    await engine.commands.execute(
      new ResendOrderAction(
        { ...orderKey, actionType: 'cancel', choices: { reason: 'Customer request' } },
        { commandId: 'rs-c2-resend', actor: 'operator:test' },
      ),
    );
    await engine.settle();
    expect(engine.actionsOf(orderKey).map((action) => action.args)).toEqual([{ reason: 'CUSTOMER_REQUEST' }]);
  });
});

describe('deferred action requests', () => {
  let engine: ReactionsEngine;
  beforeEach(async () => {
    engine = await ReactionsEngine.start({ sandbox });
  });
  afterEach(() => engine.close());

  it('one the domain then refuses stays listed with the refusal, tried again only after its backoff', async () => {
    const { orderKey } = await imported(engine, 'RS-D1');
    const stream = `order-${orderKey.marketplace}-${orderKey.marketplaceOrderId}`;
    const deferred = engine.app.get(DeferredActionRequests);
    const metadata = { commandId: 'rs-d1', actor: 'saga:shop-changes' as const };
    await deferred.defer(new RequestLengowAction(stream, 'ship', 'shop-change:404', metadata), new Error('lengow out'));

    engine.clock.advance(60_000);
    expect(await engine.reactions.retryActionRequests()).toEqual({ requested: 0, deferred: 0, errors: 1 });
    const [kept] = await engine.reactions.deferredActionRequests();
    expect(kept).toMatchObject({
      attempts: 2,
      metadata,
      reason: 'shop change shop-change:404 is not recorded on this order',
    });
    expect(await engine.reactions.retryActionRequests()).toEqual({ requested: 0, deferred: 0, errors: 0 });
    expect(await engine.eventTypes(orderKey)).not.toContain('ActionRequested');
  });
});

describe('a shop change while Lengow cannot be reached, right after a restart', () => {
  let db: SqliteDatabase;
  let store: EventStore;
  let engine: ReactionsEngine | undefined;

  beforeEach(async () => {
    db = new SqliteDatabase({ path: ':memory:' });
    const sqliteStore = new SqliteEventStore(db);
    await sqliteStore.init();
    store = sqliteStore;
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await store.close();
    await db.close();
  });

  /** Imports an order on a first engine, which then stops: the next one starts with nothing in memory. */
  async function importedBeforeRestart(id: string) {
    const first = await ReactionsEngine.start({ sandbox, database: { db, store } });
    const order = await imported(first, id);
    const carrierId = String(first.carriers.colissimo.id);
    await first.close();
    return { ...order, carrierId };
  }

  const lengowOut = () => sandbox.faults.add({ kind: 'http_503', route: '/v3.0/marketplaces', probability: 1 });

  it('requests the ship from the marketplace list kept in the database, and posts it', async () => {
    const { orderKey, shopOrderId, carrierId } = await importedBeforeRestart('RS-U1');
    engine = await ReactionsEngine.start({ sandbox, database: { db, store } });
    lengowOut();

    await engine.commands.execute(
      new MarkShopOrderShipped({ shopOrderId, carrier: carrierId, trackingNumber: 'TRK-U1' }, 'rs-u1'),
    );
    await pump(engine);

    const types = await engine.eventTypes(orderKey);
    expect(types.slice(types.indexOf('ShopOrderShipped'))).toEqual([
      'ShopOrderShipped',
      'ActionRequested',
      'ActionSent',
    ]);
    expect(engine.actionsOf(orderKey).map((action) => [action.actionType, action.args.tracking_number])).toEqual([
      ['ship', 'TRK-U1'],
    ]);
    expect(await parkedEvents(db)).toEqual([]);
  });

  it('with no list to fall back on, keeps the request and makes it once Lengow is back: nothing parked', async () => {
    const { orderKey, shopOrderId, carrierId } = await importedBeforeRestart('RS-U2');
    await db.execute('DELETE FROM lengow_marketplace_catalogue');
    engine = await ReactionsEngine.start({ sandbox, database: { db, store } });
    lengowOut();

    await engine.commands.execute(
      new MarkShopOrderShipped({ shopOrderId, carrier: carrierId, trackingNumber: 'TRK-U2' }, 'rs-u2'),
    );
    await pump(engine);
    expect((await engine.eventTypes(orderKey)).at(-1)).toBe('ShopOrderShipped');
    expect(await parkedEvents(db)).toEqual([]);
    const [waiting] = await engine.reactions.deferredActionRequests();
    expect(waiting).toMatchObject({
      stream: `order-${orderKey.marketplace}-${orderKey.marketplaceOrderId}`,
      actionType: 'ship',
      attempts: 1,
      reason: expect.stringContaining('503'),
    });

    // Not due before its backoff; due and still out, it waits longer.
    expect(await engine.reactions.retryActionRequests()).toEqual({ requested: 0, deferred: 0, errors: 0 });
    engine.clock.advance(60_000);
    const retriedAt = engine.clock.now().getTime();
    expect(await engine.reactions.retryActionRequests()).toEqual({ requested: 0, deferred: 1, errors: 0 });
    const [later] = await engine.reactions.deferredActionRequests();
    expect(later).toMatchObject({ attempts: 2, firstDeferredAt: waiting.firstDeferredAt });
    // The backoff doubled: 30 s after the first failure, 60 s after the second.
    expect(Date.parse(later.nextAttemptAt) - retriedAt).toBeGreaterThanOrEqual(60_000);
    expect(Date.parse(later.nextAttemptAt) - retriedAt).toBeLessThan(90_000);

    sandbox.faults.clear();
    engine.clock.advance(60_000);
    expect(await engine.reactions.retryActionRequests()).toEqual({ requested: 1, deferred: 0, errors: 0 });
    await engine.settle();
    expect((await engine.eventTypes(orderKey)).slice(-3)).toEqual([
      'ShopOrderShipped',
      'ActionRequested',
      'ActionSent',
    ]);
    expect(engine.actionsOf(orderKey)).toHaveLength(1);
    expect(await engine.reactions.deferredActionRequests()).toEqual([]);
    // The request keeps the saga's command: its events carry the shop change's correlation.
    const [shipped, requested] = (await engine.events(orderKey)).slice(-3);
    expect(requested.metadata.correlationId).toBe(shipped.metadata.correlationId ?? shipped.id);
  });
});
