import { ChangeImportSettings } from '../../settings/commands/settings-commands.js';
import type { OrderImported } from '../domain/import-events.js';
import { CreateShopOrders } from './create-shop-orders.js';
import { sagaMetadata } from './reaction-metadata.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { SimulatedCrash } from './testing/port-faults.js';
import { useFaultyReactionsEngine, type ReactionsEngine } from './testing/reactions-test-engine.js';

const reactions = useFaultyReactionsEngine();
const stockOf = async (id: string) => (await reactions.engine.shop.getProduct(id))!.stock;

const twoPackages = () =>
  emulatorOrder({
    marketplaceOrderId: 'CD-2001',
    shipping: 4.9,
    processingFee: 1.5,
    packages: [
      [{ lineId: 'CD-2001-1', product: '101', quantity: 2, amount: 39.9 }],
      [{ lineId: 'CD-2001-2', product: '102', quantity: 1, amount: 20 }],
    ],
  });

async function createCommand(orderKey: Awaited<ReturnType<ReactionsEngine['importOrder']>>) {
  const planned = await reactions.engine.planned(orderKey);
  return new CreateShopOrders(
    planned.data.orderKey,
    planned.data.plan,
    planned.data.configurationRevision ?? null,
    sagaMetadata(planned, 'shop-orders', 'create'),
  );
}

describe('CreateShopOrders', () => {
  it('creates one shop order per package, shipping and fee on the first, takes the stock and records both', async () => {
    const orderKey = await reactions.engine.importOrder(twoPackages());
    const outcome = await reactions.engine.commands.execute(await createCommand(orderKey));

    const orders = await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    expect(
      orders.map((order) => [order.packageIndex, order.productsCents, order.shippingCents, order.processingFeeCents]),
    ).toEqual([
      [0, 3990, 490, 150],
      [1, 2000, 0, 0],
    ]);
    expect(orders.every((order) => order.state === 'awaiting_shipment')).toBe(true);
    expect(orders[0].lines[0]).toMatchObject({ productId: '101', quantity: 2, marketplaceLineIds: ['CD-2001-1'] });
    expect(outcome).toEqual({
      kind: 'created',
      replayed: false,
      stock: 'taken',
      shopOrderIds: {
        'order-cdiscount-CD-2001:shop-order:0:1': String(orders[0].id),
        'order-cdiscount-CD-2001:shop-order:1:1': String(orders[1].id),
      },
    });
    // The stock is taken right after the creation, under its own key, and recorded in the same append.
    expect(await reactions.engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
    ]);
    const imported = await reactions.engine.lastEvent<OrderImported['data']>(orderKey, 'OrderImported');
    expect(imported.data.stockDecrementTried).toBe(true);
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'done' });
  });

  it('creates nothing more and appends nothing when the same plan comes again', async () => {
    const orderKey = await reactions.engine.importOrder(twoPackages());
    const command = await createCommand(orderKey);
    await reactions.engine.commands.execute(command);
    const again = await reactions.engine.commands.execute(command);

    expect(again).toEqual({ kind: 'stale' });
    expect(await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toHaveLength(
      2,
    );
    expect(reactions.shop.count('decrementStock')).toBe(1);
    expect(await reactions.engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
    ]);
  });

  it('after a crash once the shop created the orders and took the stock, the redelivery records them, taking nothing more', async () => {
    const orderKey = await reactions.engine.importOrder(twoPackages());
    const command = await createCommand(orderKey);
    // The shop answered both calls; the process dies before the outcome reaches the order stream.
    reactions.executor.crashBefore('execute', { when: (command) => command.type === 'RecordShopOrdersCreated' });
    await expect(reactions.engine.commands.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
    const created = await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    expect(created).toHaveLength(2);
    expect(await stockOf('101')).toBe(8);
    expect(await reactions.engine.eventTypes(orderKey)).toEqual(['OrderImportPlanned']);

    const outcome = await reactions.engine.commands.execute(command);
    expect(outcome).toMatchObject({ kind: 'created', replayed: true, stock: 'taken' });
    expect(reactions.shop.count('createOrders')).toBe(2);
    expect(reactions.shop.count('decrementStock')).toBe(2);
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect(await reactions.engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
    ]);
    const after = await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    expect(after.map((order) => order.id)).toEqual(created.map((order) => order.id));
    const state = await reactions.engine.state(orderKey);
    expect(state.shopOrders.map((order) => order.shopOrderId)).toEqual(created.map((order) => String(order.id)));
  });

  it('after a crash before the shop was called, the redelivered plan creates the orders once', async () => {
    const orderKey = await reactions.engine.importOrder(twoPackages());
    const command = await createCommand(orderKey);
    await reactions.engine.settle();
    reactions.store.crashBefore('readStream', { when: (stream) => stream === 'order-cdiscount-CD-2001' });
    await expect(reactions.engine.commands.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toEqual([]);
    expect(reactions.shop.count('createOrders')).toBe(0);

    await reactions.engine.commands.execute(command);
    expect(await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toHaveLength(
      2,
    );
    expect(await reactions.engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
    ]);
  });

  it('records a refusal by the shop as a permanent failure with its reason, and creates no order at all', async () => {
    // Package 1 names a product the shop does not have: the whole plan is refused, package 0 included.
    const order = emulatorOrder({
      marketplaceOrderId: 'CD-2002',
      packages: [
        [{ lineId: 'CD-2002-1', product: '101', quantity: 1, amount: 19.95 }],
        [{ lineId: 'CD-2002-2', product: '999', quantity: 1, amount: 5 }],
      ],
    });
    const orderKey = await reactions.engine.importOrder(order);
    const outcome = await reactions.engine.commands.execute(await createCommand(orderKey));

    expect(outcome).toMatchObject({ kind: 'failed', transient: false });
    expect(await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toEqual([]);
    const failed = await reactions.engine.lastEvent<{ kind: string; failures: { code: string; message: string }[] }>(
      orderKey,
      'OrderImportFailed',
    );
    expect(failed.data).toMatchObject({ kind: 'permanent', nextAttemptAt: null, configurationRevision: 'rev-1' });
    expect(failed.data.failures).toEqual([{ code: 'SHOP_ERROR', message: expect.stringContaining('999') }]);
    // Recorded with the plan's revision, so the next poll (same revision) waits instead of planning it again.
    const state = await reactions.engine.state(orderKey);
    expect(state.import).toMatchObject({ status: 'not_imported', configurationRevision: 'rev-1' });
  });

  it('records an unreachable shop as a transient failure due again after the retry policy’s first delay', async () => {
    const orderKey = await reactions.engine.importOrder(twoPackages());
    reactions.shop.fail('createOrders', () => new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const outcome = await reactions.engine.commands.execute(await createCommand(orderKey));

    expect(outcome).toMatchObject({ kind: 'failed', transient: true });
    const failed = await reactions.engine.lastEvent<{ at: string; nextAttemptAt: string; failures: unknown[] }>(
      orderKey,
      'OrderImportFailed',
    );
    expect(failed.data).toMatchObject({ kind: 'transient', attempt: 1, parked: false });
    expect(Date.parse(failed.data.nextAttemptAt) - Date.parse(failed.data.at)).toBe(60_000);
    expect(failed.data.failures).toEqual([
      { code: 'SHOP_UNAVAILABLE', message: 'the shop could not be reached: connect ECONNREFUSED 127.0.0.1:5432' },
    ]);
  });

  it('records a shortfall with the orders ("force product" off): nothing taken, waiting for the operator', async () => {
    await reactions.engine.commands.execute(
      new ChangeImportSettings({ forceProduct: false }, { commandId: 'settings-1', actor: 'operator:ann' }),
    );
    await reactions.engine.shop.setStock('101', 1);
    const orderKey = await reactions.engine.importOrder(twoPackages());
    const outcome = await reactions.engine.commands.execute(await createCommand(orderKey));

    expect(outcome).toMatchObject({ kind: 'created', stock: 'refused' });
    expect(await reactions.engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId)).toHaveLength(
      2,
    );
    expect([await stockOf('101'), await stockOf('102')]).toEqual([1, 5]);
    expect(await reactions.engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecrementFailed',
    ]);
    const failed = await reactions.engine.lastEvent(orderKey, 'StockDecrementFailed');
    expect(failed.data).toMatchObject({ code: 'STOCK_SHORTFALL', message: 'product 101: 2 ordered, 1 in stock' });
    expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'failed' });
  });

  it('leaves the stock to the saga when the shop cannot answer for it: the orders are recorded, the decrement pending', async () => {
    const orderKey = await reactions.engine.importOrder(twoPackages());
    reactions.shop.fail('decrementStock', () => new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const outcome = await reactions.engine.commands.execute(await createCommand(orderKey));

    expect(outcome).toMatchObject({ kind: 'created', stock: 'left_to_saga' });
    expect(await reactions.engine.eventTypes(orderKey)).toEqual(['OrderImportPlanned', 'OrderImported']);
    const imported = await reactions.engine.lastEvent<OrderImported['data']>(orderKey, 'OrderImported');
    expect(imported.data.stockDecrementTried).toBeUndefined();
    expect(imported.data.stockDecrement).toMatchObject({ key: 'order-cdiscount-CD-2001:stock' });
    expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'pending' });
    expect(await stockOf('101')).toBe(10);
  });

  it('a stock decrement whose answer was lost is left to the saga, which records it without taking it twice', async () => {
    const orderKey = await reactions.engine.importOrder(twoPackages());
    // The shop takes the units, then the answer is lost (the connection dropped as it came back).
    reactions.shop.crashAfter('decrementStock');
    const outcome = await reactions.engine.commands.execute(await createCommand(orderKey));
    expect(outcome).toMatchObject({ kind: 'created', stock: 'left_to_saga' });
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect(await reactions.engine.eventTypes(orderKey)).toEqual(['OrderImportPlanned', 'OrderImported']);

    const saga = await reactions.engine.stockSagaCommand(orderKey);
    expect(await reactions.engine.commands.execute(saga)).toEqual({ kind: 'decremented', applied: false });
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect(await reactions.engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
    ]);
  });
});
