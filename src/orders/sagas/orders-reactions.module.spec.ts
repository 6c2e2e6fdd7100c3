import type { GlobalPosition } from '../../event-store/event-store.port.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { ChangeImportSettings, MapCarrier } from '../../settings/commands/settings-commands.js';
import type { OrderKey } from '../domain/order-key.js';
import { OrderDomainError } from '../domain/order-domain-error.js';
import { MarkShopOrderShipped } from '../integration/mark-shop-order-commands.js';
import { ReactionCommandInvalid } from '../integration/reaction-command-invalid.error.js';
import { ResendOrderAction } from '../integration/resend-order-action.js';
import { RetryOrderStockDecrement } from '../integration/retry-order-stock-decrement.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from '../integration/testing/emulator-order.js';
import { ReactionsEngine } from '../integration/testing/reactions-test-engine.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.state.reset();
  engine = await ReactionsEngine.start({ sandbox });
});
afterEach(async () => {
  await engine.close();
});

describe('OrdersReactionsModule, the whole chain', () => {
  it('imports, takes stock once, sends moi, then ships through the shop and confirms the action', async () => {
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-1001' }));
    await engine.settle();

    const shopOrders = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    expect(shopOrders).toHaveLength(1);
    expect(shopOrders[0]).toMatchObject({ state: 'awaiting_shipment', shippingCents: 490, productsCents: 5990 });
    expect((await engine.shop.getProduct('101'))!.stock).toBe(8);
    expect((await engine.shop.getProduct('102'))!.stock).toBe(4);
    expect(engine.moiCallsOf(orderKey).map((call) => call.merchant_order_id)).toEqual([[String(shopOrders[0].id)]]);
    // Stock and moi are two sagas' independent reactions to OrderImported: either may land first.
    const types = await engine.eventTypes(orderKey);
    expect(types.slice(0, 2)).toEqual(['OrderImportPlanned', 'OrderImported']);
    expect([...types.slice(2)].sort()).toEqual(['MerchantOrderIdsSent', 'StockDecremented']);

    await engine.commands.execute(
      new MarkShopOrderShipped(
        { shopOrderId: String(shopOrders[0].id), carrier: 'Colissimo', trackingNumber: 'TRK-1' },
        'ship-1',
      ),
    );
    await engine.reactions.pollShopChanges();
    await engine.settle();
    // Cdiscount takes per-line actions: one ship per marketplace line, each posted once.
    const actions = engine.actionsOf(orderKey);
    expect(actions.map((action) => [action.actionType, action.line, action.args])).toEqual([
      ['ship', 'CD-1001-1', { carrier: 'COL', tracking_number: 'TRK-1', tracking_url: 'https://track.example/TRK-1' }],
      ['ship', 'CD-1001-2', { carrier: 'COL', tracking_number: 'TRK-1', tracking_url: 'https://track.example/TRK-1' }],
    ]);

    await engine.reactions.pollActionResults();
    await engine.settle();
    expect((await engine.eventTypes(orderKey)).slice(4)).toEqual([
      'ShopOrderShipped',
      'ActionRequested',
      'ActionSent',
      'ActionSent',
      'ActionConfirmed',
      'ActionConfirmed',
    ]);
    expect(engine.actionsOf(orderKey)).toHaveLength(2);
  });
});

/** An imported one-line order, its shop order created, stock taken and moi sent by the sagas. */
async function importedOneLine(id: string): Promise<{ orderKey: OrderKey; shopOrderId: string }> {
  const orderKey = await engine.importOrder(
    emulatorOrder({
      marketplaceOrderId: id,
      packages: [[{ lineId: `${id}-1`, product: '101', quantity: 1, amount: 19.95 }]],
    }),
  );
  await engine.settle();
  const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
  return { orderKey, shopOrderId: String(shopOrder.id) };
}

async function shipInShop(shopOrderId: string, carrier: string, trackingNumber: string, key: string): Promise<void> {
  await engine.commands.execute(new MarkShopOrderShipped({ shopOrderId, carrier, trackingNumber }, key));
  await engine.reactions.pollShopChanges();
  await engine.settle();
}

async function pollResults(): Promise<void> {
  await engine.reactions.pollActionResults();
  await engine.settle();
}

const operator = (commandId: string) => ({ commandId, actor: 'operator:ann' as const });

describe('OrdersReactionsModule, ship actions that cannot be sent as they are', () => {
  it('refuses a ship without tracking number before any POST; shipping again with one sends it', async () => {
    const { orderKey, shopOrderId } = await importedOneLine('CD-1101');
    // A shop that lets the merchant ship without a tracking number (the built-in one requires it) reports this:
    await engine.execute({
      type: 'RecordShopStatusChange',
      data: {
        orderKey,
        changeId: 'external-shop:1',
        shopOrderId,
        change: {
          kind: 'shipped',
          carrier: { id: String(engine.carriers.colissimo.referenceId), name: 'Colissimo' },
          trackingNumber: null,
          trackingUrl: null,
          returnCarrier: null,
          returnTrackingNumber: null,
        },
        now: engine.clock.now().toISOString(),
      },
    });
    await engine.settle();
    const rejected = await engine.lastEvent<{ source: string; failures: { message: string }[] }>(
      orderKey,
      'ActionRejected',
    );
    expect(rejected.data.source).toBe('engine');
    expect(rejected.data.failures.map((failure) => failure.message)).toEqual([
      "can't send action: tracking_number is required",
    ]);
    expect(engine.actionsOf(orderKey)).toEqual([]);

    // The fix: the merchant ships again with the parcel's number; the new shop change is its own ship request.
    await shipInShop(shopOrderId, 'Colissimo', 'TRK-1101', 'ship-1101');
    await pollResults();
    expect(engine.actionsOf(orderKey).map((action) => action.args.tracking_number)).toEqual(['TRK-1101']);
    expect(await engine.eventTypes(orderKey)).toContain('ActionConfirmed');
    // Nothing is left failed for the operator to re-send.
    const refused = await engine.commands
      .execute(
        new ResendOrderAction({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-1101' }, operator('r-1')),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OrderDomainError);
    expect(refused).toMatchObject({ code: 'NO_FAILED_ACTION' });
  });

  it('refuses a carrier the marketplace does not list; once mapped, the operator’s re-send is confirmed', async () => {
    const { orderKey, shopOrderId } = await importedOneLine('CD-1102');
    await shipInShop(shopOrderId, 'My own van', 'TRK-1102', 'ship-1102');
    const rejected = await engine.lastEvent<{ failures: { code: string; message: string }[] }>(
      orderKey,
      'ActionRejected',
    );
    expect(rejected.data.failures).toEqual([
      {
        code: 'INVALID_ARGUMENT_VALUE',
        message:
          "can't send action: My own van is not a valid value for carrier (valid: COL, CHR, DPD, GLS, MONDIAL_RELAY, RELAIS_COLIS, TNT, UPS)",
      },
    ]);
    // Never re-sent on its own: polling changes nothing (a refusal leaves no open attempt to poll or post).
    await pollResults();
    await pollResults();
    expect(engine.actionsOf(orderKey)).toEqual([]);

    const van = engine.carriers.van;
    await engine.commands.execute(
      new MapCarrier(
        {
          marketplace: EMULATOR_MARKETPLACE,
          country: 'FR',
          shopCarrier: { id: String(van.referenceId), name: van.name },
          marketplaceCarrier: 'TNT',
        },
        operator('map-1'),
      ),
    );
    const resent = await engine.commands.execute(
      new ResendOrderAction({ marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-1102' }, operator('r-2')),
    );
    expect(resent.appended.map((event) => event.type)).toEqual(['ActionRequested']);
    await engine.settle();
    await pollResults();
    expect(engine.actionsOf(orderKey).map((action) => [action.args.carrier, action.args.tracking_number])).toEqual([
      ['TNT', 'TRK-1102'],
    ]);
    expect((await engine.eventTypes(orderKey)).slice(-3)).toEqual(['ActionRequested', 'ActionSent', 'ActionConfirmed']);
  });

  it('re-sends an action the marketplace refused, once the operator fixed the cause, and only on request', async () => {
    const { orderKey, shopOrderId } = await importedOneLine('CD-1103');
    // The marketplace still shows the order as awaiting acceptance: it refuses to ship.
    sandbox.state.orders.mutate(EMULATOR_MARKETPLACE, 'CD-1103', (order) => {
      order.marketplace_status = 'AcceptedBySeller';
      order.lengow_status = 'accepted';
    });
    await shipInShop(shopOrderId, 'Colissimo', 'TRK-1103', 'ship-1103');
    await pollResults();
    expect(await engine.eventTypes(orderKey)).toContain('ActionRejected');
    await pollResults();
    expect(engine.actionsOf(orderKey)).toHaveLength(1);

    sandbox.state.setOrderStatus(EMULATOR_MARKETPLACE, 'CD-1103', 'WaitingForShipmentAcceptation');
    await engine.commands.execute(
      new ResendOrderAction(
        { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'CD-1103', actionType: 'ship' },
        operator('r-3'),
      ),
    );
    await engine.settle();
    await pollResults();
    expect(engine.actionsOf(orderKey).map((action) => action.errors)).toEqual([
      expect.stringContaining('not allowed'),
      null,
    ]);
    expect((await engine.eventTypes(orderKey)).slice(-1)).toEqual(['ActionConfirmed']);
  });
});

describe('OrdersReactionsModule, re-import, re-synchronisation and Lengow statuses', () => {
  it('re-import: new shop order, the old one in technical error, stock untouched, moi with the new id', async () => {
    const { orderKey, shopOrderId } = await importedOneLine('CD-1201');
    expect((await engine.shop.getProduct('101'))!.stock).toBe(9);

    await engine.reimportOrder(orderKey);
    await engine.settle();

    const orders = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    expect(orders.map((order) => [String(order.id) === shopOrderId, order.state])).toEqual([
      [true, 'technical_error'],
      [false, 'awaiting_shipment'],
    ]);
    expect(orders[0].technicalErrorReason).toContain('re-import');
    expect((await engine.shop.getProduct('101'))!.stock).toBe(9);
    expect(engine.moiCallsOf(orderKey).map((call) => call.merchant_order_id)).toEqual([
      [shopOrderId],
      [String(orders[1].id)],
    ]);
    const types = await engine.eventTypes(orderKey);
    expect(types.filter((type) => type === 'StockDecremented')).toHaveLength(1);
    expect(types.slice(-3)).toEqual(['OrderImportPlanned', 'OrderReimported', 'MerchantOrderIdsSent']);
    // The replaced order is out of every flow: the engine-set state adds nothing to the shop's change feed.
    expect(await engine.reactions.pollShopChanges()).toMatchObject({ recorded: 0, parked: 0 });
  });

  it('re-synchronise: the moi goes to Lengow again', async () => {
    const { orderKey, shopOrderId } = await importedOneLine('CD-1202');
    await engine.execute(
      { type: 'ResynchronizeOrder', data: { orderKey, now: engine.clock.now().toISOString() } },
      operator('resync-1'),
    );
    await engine.settle();
    expect(engine.moiCallsOf(orderKey).map((call) => call.merchant_order_id)).toEqual([[shopOrderId], [shopOrderId]]);
    expect((await engine.eventTypes(orderKey)).slice(-2)).toEqual([
      'OrderResynchronisationRequested',
      'OrderResynchronised',
    ]);
  });

  it('moves the shop order where Lengow’s status says, copying its tracking number, without an action loop', async () => {
    const shipped = await importedOneLine('CD-1203');
    const canceled = await importedOneLine('CD-1204');
    sandbox.state.setOrderStatus(EMULATOR_MARKETPLACE, 'CD-1203', 'Shipped');
    sandbox.state.orders.mutate(EMULATOR_MARKETPLACE, 'CD-1203', (order) => {
      (order.packages as { delivery: { trackings: { number: string | null }[] } }[])[0].delivery.trackings[0].number =
        'MP-TRACK-9';
    });
    sandbox.state.setOrderStatus(EMULATOR_MARKETPLACE, 'CD-1204', 'CancelledByCustomer');
    // The next poll sees the new statuses.
    engine.clock.advance(60_000);
    await engine.importOrder(await lengowJson('CD-1203'), { commandId: 'poll-2:CD-1203' });
    await engine.importOrder(await lengowJson('CD-1204'), { commandId: 'poll-2:CD-1204' });
    await engine.settle();

    expect(await engine.eventTypes(shipped.orderKey)).toContain('LengowStatusChanged');
    expect(await engine.shop.getOrder(shipped.shopOrderId)).toMatchObject({
      state: 'shipped',
      tracking: { trackingNumber: 'MP-TRACK-9' },
    });
    expect((await engine.shop.getOrder(canceled.shopOrderId))!.state).toBe('canceled');
    expect(await engine.reactions.pollShopChanges()).toMatchObject({ recorded: 0 });
    await engine.settle();
    expect(engine.actionsOf(shipped.orderKey)).toEqual([]);
    expect(engine.actionsOf(canceled.orderKey)).toEqual([]);
  });
});

/** The order as the emulator serves it now (to import it again as a poll would). */
async function lengowJson(id: string): Promise<Record<string, unknown>> {
  const stored = sandbox.state.orders.find(EMULATOR_MARKETPLACE, id);
  if (!stored) throw new Error(`no emulator order ${id}`);
  return structuredClone(stored.order) as Record<string, unknown>;
}

describe('OrdersReactionsModule with its pollers running on their own', () => {
  let timed: ReactionsEngine;
  beforeEach(async () => {
    timed = await ReactionsEngine.start({
      sandbox,
      reactions: { pollers: true, shopFeedIntervalMs: 20, actionResultsIntervalMs: 20, importRetryIntervalMs: 20 },
    });
  });
  afterEach(() => timed.close());

  it('takes a shipment from the shop feed to a confirmed action with no call from outside', async () => {
    const orderKey = await timed.importOrder(
      emulatorOrder({
        marketplaceOrderId: 'CD-1301',
        packages: [[{ lineId: 'CD-1301-1', product: '101', quantity: 1, amount: 19.95 }]],
      }),
    );
    await timed.settle();
    const [shopOrder] = await timed.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    await timed.commands.execute(
      new MarkShopOrderShipped(
        { shopOrderId: String(shopOrder.id), carrier: 'Colissimo', trackingNumber: 'TRK-1301' },
        'ship-1301',
      ),
    );
    const deadline = Date.now() + 10_000;
    while (!(await timed.eventTypes(orderKey)).includes('ActionConfirmed')) {
      if (Date.now() > deadline) throw new Error(`not confirmed: ${(await timed.eventTypes(orderKey)).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(timed.actionsOf(orderKey)).toHaveLength(1);
  });
});

describe('OrdersReactionsModule, a stock shortfall', () => {
  const retryStock = (marketplaceOrderId: unknown, commandId: string) =>
    engine.commands.execute(
      new RetryOrderStockDecrement(
        { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId } as never,
        operator(commandId),
      ),
    );
  const stockOf = async (id: string) => (await engine.shop.getProduct(id))!.stock;

  it('is recorded on the order, not parked; after restocking the operator’s retry takes the stock once', async () => {
    await engine.commands.execute(new ChangeImportSettings({ forceProduct: false }, operator('settings-1')));
    // Validation saw the units; another order took them before the decrement (the test lookups say "available").
    await engine.shop.setStock('101', 1);
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-1301' }));
    await engine.settle();

    const failed = await engine.lastEvent<{ message: string }>(orderKey, 'StockDecrementFailed');
    expect(failed.data.message).toBe('product 101: 2 ordered, 1 in stock');
    expect([await stockOf('101'), await stockOf('102')]).toEqual([1, 5]);
    expect(await engine.sagas.consumer('saga:ShopOrderSagas')!.listParked()).toEqual([]);
    expect(await engine.eventTypes(orderKey)).not.toContain('StockDecremented');

    await engine.shop.setStock('101', 4);
    const retried = await retryStock('CD-1301', 'retry-stock-1');
    expect(retried.appended.map((event) => event.type)).toEqual(['StockDecrementRetryRequested']);
    await engine.settle();

    expect([await stockOf('101'), await stockOf('102')]).toEqual([2, 4]);
    const types = await engine.eventTypes(orderKey);
    expect(types.filter((type) => type === 'StockDecremented')).toHaveLength(1);
    expect(types.at(-1)).toBe('StockDecremented');
    expect(await engine.sagas.consumer('saga:ShopOrderSagas')!.listParked()).toEqual([]);

    // Asking again is refused: the stock was taken.
    await expect(retryStock('CD-1301', 'retry-stock-2')).rejects.toMatchObject({
      code: 'STOCK_ALREADY_DECREMENTED',
    });
    await engine.settle();
    expect([await stockOf('101'), await stockOf('102')]).toEqual([2, 4]);
  });

  it('refuses a retry when no decrement failed, and a malformed request before anything runs', async () => {
    await importedOneLine('CD-1302');
    const refused = await retryStock('CD-1302', 'retry-stock-3').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OrderDomainError);
    expect(refused).toMatchObject({ code: 'STOCK_ALREADY_DECREMENTED' });
    await expect(retryStock('CD-NEVER-SEEN', 'retry-stock-4')).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const invalid = await retryStock(42, 'retry-stock-5').catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ReactionCommandInvalid);
    expect((invalid as ReactionCommandInvalid).field).toBe('payload.marketplaceOrderId');
  });
});

describe('OrdersReactions keeping an import’s pace', () => {
  it('marks where the store reports the log ends, and never moves a mark back', async () => {
    await engine.close();
    let heads = 0;
    /** While set, the head the store reports instead of its own. */
    let reported: (() => GlobalPosition | null) | null = null;
    engine = await ReactionsEngine.start({
      sandbox,
      wrapStore: (store) =>
        new Proxy(store, {
          get: (target, key, receiver) => {
            if (key !== 'headPosition') return Reflect.get(target, key, receiver) as unknown;
            return async () => {
              heads++;
              const head = await target.headPosition();
              return reported ? reported() : head;
            };
          },
        }),
    });
    await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-PACE-0' }));
    await engine.settle();
    const log = await engine.store.readAll();

    const before = heads;
    const mark = await engine.reactions.mark();
    expect(heads).toBe(before + 1);
    expect(mark).toBe(await engine.store.headPosition());
    expect(mark).toBe(log.at(-1)!.position);

    // A store reporting an older head, or none, leaves the mark where it was.
    reported = () => log[0].position;
    expect(await engine.reactions.mark()).toBe(mark);
    reported = () => null;
    expect(await engine.reactions.mark()).toBe(mark);
  });

  it('holds the import until the reactions have handled the log up to the mark, commands included', async () => {
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-PACE-1' }));
    const mark = await engine.reactions.mark();
    expect(mark).not.toBeNull();

    await engine.reactions.keepUpWith(mark!);

    // The import saga's reaction to OrderImportPlanned completed before the mark counted as handled.
    expect(await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toHaveLength(1);
    expect((await engine.eventTypes(orderKey)).slice(0, 2)).toEqual(['OrderImportPlanned', 'OrderImported']);
  });

  it('lets the import go on once a reaction stops moving, without waiting for it', async () => {
    await engine.close();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    engine = await ReactionsEngine.start({
      sandbox,
      // The shop hangs on creating shop orders: the import saga's reaction never completes until released.
      wrapShop: (shop) =>
        new Proxy(shop, {
          get: (target, key, receiver) => {
            const value = Reflect.get(target, key, receiver) as unknown;
            if (key !== 'createOrders' || typeof value !== 'function') return value;
            return async (...args: unknown[]) => {
              await held;
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        }),
    });
    try {
      const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-PACE-2' }));
      const mark = await engine.reactions.mark();

      await engine.reactions.keepUpWith(mark!);

      expect(await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toEqual([]);
    } finally {
      release();
    }
    await engine.settle();
  });
});
