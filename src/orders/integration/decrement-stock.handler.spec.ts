import { ChangeImportSettings } from '../../settings/commands/settings-commands.js';
import { isShopError } from '../../shop/shop-error.js';
import type { OrderImported } from '../domain/import-events.js';
import type { OrderKey } from '../domain/order-key.js';
import { DecrementStock } from './decrement-stock.js';
import { sagaMetadata } from './reaction-metadata.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { SimulatedCrash } from './testing/port-faults.js';
import { useFaultyReactionsEngine } from './testing/reactions-test-engine.js';

const reactions = useFaultyReactionsEngine();

async function imported(id: string): Promise<{ orderKey: OrderKey; command: DecrementStock }> {
  const orderKey = await reactions.engine.importOrder(emulatorOrder({ marketplaceOrderId: id }));
  await reactions.engine.createPlannedOrders(orderKey);
  const event = await reactions.engine.lastEvent<OrderImported['data']>(orderKey, 'OrderImported');
  return {
    orderKey,
    command: new DecrementStock(orderKey, event.data.stockDecrement!, sagaMetadata(event, 'shop-orders', 'stock')),
  };
}

const stockOf = async (id: string) => (await reactions.engine.shop.getProduct(id))!.stock;

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

  it('without "force product" a shortfall takes nothing and records nothing (the saga retries, then parks it)', async () => {
    await reactions.engine.commands.execute(
      new ChangeImportSettings({ forceProduct: false }, { commandId: 'settings-1', actor: 'operator:ann' }),
    );
    await reactions.engine.shop.setStock('101', 1);
    const { orderKey, command } = await imported('CD-3005');
    const error = await reactions.engine.commands.execute(command).catch((caught: unknown) => caught);
    expect(isShopError(error, 'INSUFFICIENT_STOCK')).toBe(true);
    expect([await stockOf('101'), await stockOf('102')]).toEqual([1, 5]);
    expect(await reactions.engine.eventTypes(orderKey)).not.toContain('StockDecremented');
  });
});
