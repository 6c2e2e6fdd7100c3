import { ChangeImportSettings } from '../../settings/commands/settings-commands.js';
import type { OrderImported } from '../domain/import-events.js';
import { orderStreamName, type OrderKey } from '../domain/order-key.js';
import type { StockDecrementRetryRequested } from '../domain/sync-events.js';
import { DecrementStock } from './decrement-stock.js';
import { sagaMetadata } from './reaction-metadata.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { SimulatedCrash } from './testing/port-faults.js';
import { useFaultyReactionsEngine } from './testing/reactions-test-engine.js';

const reactions = useFaultyReactionsEngine();

/**
 * An imported order whose stock is the saga's to take: the creation tries it first, so the shop fails that try as an
 * unreachable shop would (uncounted), which leaves the decrement pending on `OrderImported`.
 */
async function imported(id: string): Promise<{ orderKey: OrderKey; command: DecrementStock }> {
  const orderKey = await reactions.engine.importOrder(emulatorOrder({ marketplaceOrderId: id }));
  reactions.shop.fail('decrementStock', () => new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  await reactions.engine.createPlannedOrders(orderKey);
  const event = await reactions.engine.lastEvent<OrderImported['data']>(orderKey, 'OrderImported');
  expect(event.data.stockDecrementTried).toBeUndefined();
  expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'pending' });
  return { orderKey, command: await reactions.engine.stockSagaCommand(orderKey) };
}

const stockOf = async (id: string) => (await reactions.engine.shop.getProduct(id))!.stock;

const withoutForceProduct = () =>
  reactions.engine.commands.execute(
    new ChangeImportSettings({ forceProduct: false }, { commandId: 'settings-1', actor: 'operator:ann' }),
  );

/** The operator's retry as the stream records it, and the command the stock saga issues for it. */
async function retried(orderKey: OrderKey, commandId: string): Promise<DecrementStock> {
  await reactions.engine.execute(
    { type: 'RetryStockDecrement', data: { orderKey, now: reactions.engine.clock.now().toISOString() } },
    { commandId },
  );
  const event = await reactions.engine.lastEvent<StockDecrementRetryRequested['data']>(
    orderKey,
    'StockDecrementRetryRequested',
  );
  return new DecrementStock(event.stream, event.data.key, sagaMetadata(event, 'shop-orders', 'stock'));
}

const count = (types: string[], type: string) => types.filter((candidate) => candidate === type).length;

describe('DecrementStock', () => {
  it('takes the order’s units once and records it; the same command again changes nothing', async () => {
    const { orderKey, command } = await imported('CD-3001');
    expect(await reactions.engine.commands.execute(command)).toEqual({ kind: 'decremented', applied: true });
    expect(await reactions.engine.commands.execute(command)).toEqual({ kind: 'skipped' });

    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect(reactions.shop.count('decrementStock')).toBe(1);
    expect((await reactions.engine.eventTypes(orderKey)).filter((type) => type === 'StockDecremented')).toHaveLength(1);
  });

  it('after a crash once the shop took the stock, the redelivery records it without taking it again', async () => {
    const { orderKey, command } = await imported('CD-3002');
    reactions.executor.crashBefore('execute', { when: (domain) => domain.type === 'RecordStockDecremented' });
    await expect(reactions.engine.commands.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await stockOf('101')).toBe(8);

    expect(await reactions.engine.commands.execute(command)).toEqual({ kind: 'decremented', applied: false });
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect(await reactions.engine.eventTypes(orderKey)).toContain('StockDecremented');
  });

  it('after a crash before the shop was called, the redelivery takes the stock once', async () => {
    const { orderKey, command } = await imported('CD-3003');
    await reactions.engine.settle();
    reactions.store.crashBefore('readStream', { when: (stream) => stream === 'order-cdiscount-CD-3003' });
    await expect(reactions.engine.commands.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await stockOf('101')).toBe(10);

    await reactions.engine.commands.execute(command);
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect(await reactions.engine.eventTypes(orderKey)).toContain('StockDecremented');
  });

  it('lets stock go below zero with "force product" (the default), reporting nothing as lost', async () => {
    await reactions.engine.shop.setStock('101', 1);
    const { command } = await imported('CD-3004');
    await reactions.engine.commands.execute(command);
    expect(await stockOf('101')).toBe(-1);
  });

  it('without "force product" a shortfall takes nothing and is recorded on the order, not thrown for a retry', async () => {
    await withoutForceProduct();
    await reactions.engine.shop.setStock('101', 1);
    const { orderKey, command } = await imported('CD-3005');

    expect(await reactions.engine.commands.execute(command)).toEqual({
      kind: 'short',
      shortfall: [{ productId: '101', ordered: 2, inStock: 1 }],
    });
    expect([await stockOf('101'), await stockOf('102')]).toEqual([1, 5]);
    const failed = await reactions.engine.lastEvent(orderKey, 'StockDecrementFailed');
    expect(failed.data).toEqual({
      key: `${orderStreamName(orderKey)}:stock`,
      code: 'STOCK_SHORTFALL',
      message: 'product 101: 2 ordered, 1 in stock',
      shortfall: [{ productId: '101', ordered: 2, inStock: 1 }],
      at: expect.any(String),
    });
    expect(failed.metadata).toMatchObject({ causationId: command.metadata.causationId, actor: 'saga:shop-orders' });
    expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'failed' });

    // A redelivery of the saga's command finds the failure recorded: no second shop call, nothing appended.
    expect(await reactions.engine.commands.execute(command)).toEqual({ kind: 'skipped' });
    expect(reactions.shop.count('decrementStock')).toBe(1);
    expect(count(await reactions.engine.eventTypes(orderKey), 'StockDecrementFailed')).toBe(1);
  });

  it('a stock still short at the operator’s retry is recorded again; after restocking the retry takes it once', async () => {
    await withoutForceProduct();
    await reactions.engine.shop.setStock('101', 0);
    const { orderKey, command } = await imported('CD-3006');
    await reactions.engine.commands.execute(command);

    const tooEarly = await retried(orderKey, 'retry-1');
    expect(await reactions.engine.commands.execute(tooEarly)).toMatchObject({ kind: 'short' });

    await reactions.engine.shop.setStock('101', 3);
    const retry = await retried(orderKey, 'retry-2');
    expect(await reactions.engine.commands.execute(retry)).toEqual({ kind: 'decremented', applied: true });
    expect(await reactions.engine.commands.execute(retry)).toEqual({ kind: 'skipped' });
    expect(await reactions.engine.commands.execute(command)).toEqual({ kind: 'skipped' });

    expect([await stockOf('101'), await stockOf('102')]).toEqual([1, 4]);
    const types = await reactions.engine.eventTypes(orderKey);
    expect(types.slice(2)).toEqual([
      'StockDecrementFailed',
      'StockDecrementRetryRequested',
      'StockDecrementFailed',
      'StockDecrementRetryRequested',
      'StockDecremented',
    ]);
    expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'done' });
  });

  it('a product deleted from the catalogue since the import is recorded on the order, not thrown for a retry', async () => {
    const { orderKey, command } = await imported('CD-3008');
    // The shop has no call to delete a product: the merchant does it in the back office, as here.
    await reactions.engine.db.execute('DELETE FROM shop_products WHERE shop_id = $1', ['101']);

    expect(await reactions.engine.commands.execute(command)).toEqual({
      kind: 'not_in_shop',
      products: [{ productId: '101', reason: 'missing' }],
    });
    expect(await stockOf('102')).toBe(5);
    const failed = await reactions.engine.lastEvent(orderKey, 'StockDecrementFailed');
    expect(failed.data).toEqual({
      key: `${orderStreamName(orderKey)}:stock`,
      code: 'PRODUCT_NOT_IN_SHOP',
      message: 'product 101 is no longer in the shop catalogue',
      shortfall: [],
      products: [{ productId: '101', reason: 'missing' }],
      at: expect.any(String),
    });
    expect(failed.metadata).toMatchObject({ causationId: command.metadata.causationId, actor: 'saga:shop-orders' });
    expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'failed' });

    // A redelivery finds the failure recorded: no second shop call, nothing appended.
    expect(await reactions.engine.commands.execute(command)).toEqual({ kind: 'skipped' });
    expect(reactions.shop.count('decrementStock')).toBe(1);
    expect(count(await reactions.engine.eventTypes(orderKey), 'StockDecrementFailed')).toBe(1);

    // The merchant puts the product back; the operator's retry takes the stock once, under the same key.
    await reactions.engine.shop.upsertProduct({ id: '101', name: 'Mug, blue', stock: 10, priceCents: 1995 });
    const retry = await retried(orderKey, 'retry-3');
    expect(await reactions.engine.commands.execute(retry)).toEqual({ kind: 'decremented', applied: true });
    expect(await reactions.engine.commands.execute(retry)).toEqual({ kind: 'skipped' });
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
    expect((await reactions.engine.eventTypes(orderKey)).slice(2)).toEqual([
      'StockDecrementFailed',
      'StockDecrementRetryRequested',
      'StockDecremented',
    ]);
  });

  it('names every product the catalogue no longer has as ordered, even with "force product" (the default)', async () => {
    const { orderKey, command } = await imported('CD-3009');
    await reactions.engine.db.execute('DELETE FROM shop_products WHERE shop_id = $1', ['101']);
    // A variant added to the towel makes `102` a parent: its stock is kept per variant from now on.
    await reactions.engine.shop.upsertProduct({ id: '102_1', name: 'Tea towel, red', stock: 5, priceCents: 2000 });

    expect(await reactions.engine.commands.execute(command)).toMatchObject({ kind: 'not_in_shop' });
    const failed = await reactions.engine.lastEvent(orderKey, 'StockDecrementFailed');
    expect(failed.data).toMatchObject({
      code: 'PRODUCT_NOT_IN_SHOP',
      message:
        'product 101 is no longer in the shop catalogue; ' +
        'product 102 now has variants in the shop catalogue: stock is kept per variant',
      products: [
        { productId: '101', reason: 'missing' },
        { productId: '102', reason: 'has_variants' },
      ],
    });
    expect(await stockOf('102_1')).toBe(5);
  });

  it('a shop that cannot be reached is thrown on, for the saga to retry, and nothing is recorded', async () => {
    await withoutForceProduct();
    const { orderKey, command } = await imported('CD-3007');
    reactions.shop.fail('decrementStock', () => new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    await expect(reactions.engine.commands.execute(command)).rejects.toThrow('ECONNREFUSED');
    expect((await reactions.engine.eventTypes(orderKey)).slice(2)).toEqual([]);

    expect(await reactions.engine.commands.execute(command)).toEqual({ kind: 'decremented', applied: true });
    expect([await stockOf('101'), await stockOf('102')]).toEqual([8, 4]);
  });
});
