import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { ReimportOrderNow, ResynchronizeOrderNow } from '../../src/orders/import/commands/import-commands.js';
import { TestEngine } from '../support/engine.js';

const SEED = 31;
const ORDERS = 100;
const operator = (commandId: string) => ({ commandId, actor: 'operator:ann' as const });

/** `order-<marketplace>-<id>` → the reference the operator commands take. */
function referenceOf(stream: string): { marketplace: string; marketplaceOrderId: string } {
  const rest = stream.slice('order-'.length);
  const dash = rest.indexOf('-');
  return { marketplace: rest.slice(0, dash), marketplaceOrderId: rest.slice(dash + 1) };
}

/**
 * Operator stories on the whole engine (startEngine: emulator, built-in shop, sagas, projections), each checked on the
 * shop, the stock and Lengow's moi log, not only on the events.
 */
describe('operator stories on the whole engine', () => {
  let harness: TestEngine;
  let events: RecordedEvent[];

  const typesOf = async (stream: string) => (await harness.store.readStream(stream)).map((event) => event.type);
  const moiOf = (ref: { marketplace: string; marketplaceOrderId: string }) =>
    harness
      .sandbox!.state.moiCalls.filter(
        (c) => c.marketplace === ref.marketplace && c.marketplace_order_id === ref.marketplaceOrderId,
      )
      .map((c) => c.merchant_order_id);

  beforeAll(async () => {
    harness = await TestEngine.start({ seed: SEED, orders: ORDERS });
    await harness.importAndSettle(90_000);
    events = await harness.orderEvents();
  }, 120_000);
  afterAll(() => harness?.close());

  it('"not imported" for an unknown product → catalogue fixed → re-import → imported, shop order, stock, moi', async () => {
    const failed = events.find(
      (e) => e.type === 'OrderImportFailed' && (e.data.failures as { code: string }[])[0].code === 'PRODUCT_NOT_FOUND',
    )!;
    expect(failed).toBeDefined();
    const ref = referenceOf(failed.stream);
    const missing = (failed.data.failures as { message: string }[])[0].message.match(/product (\S+)/)![1];
    expect(await harness.shop.listOrdersFor(ref.marketplace, ref.marketplaceOrderId)).toEqual([]);

    await harness.shop.upsertProduct({ id: missing, name: 'Back in the catalogue', stock: 50, priceCents: 1000 });
    const result = await harness.commandBus.execute(new ReimportOrderNow(ref, operator('story-1-reimport')));
    expect(result).toMatchObject({ outcome: { kind: 'planned' } });
    await harness.settle();

    const types = await typesOf(failed.stream);
    expect(types.slice(0, 3)).toEqual(['OrderImportFailed', 'OrderImportPlanned', 'OrderImported']);
    expect(types.filter((t) => t === 'StockDecremented')).toHaveLength(1);
    expect(types.filter((t) => t === 'MerchantOrderIdsSent')).toHaveLength(1);
    const shopOrders = await harness.shop.listOrdersFor(ref.marketplace, ref.marketplaceOrderId);
    expect(shopOrders.length).toBeGreaterThanOrEqual(1);
    const sold = shopOrders
      .flatMap((order) => order.lines)
      .filter((line) => line.productId === missing)
      .reduce((sum, line) => sum + line.quantity, 0);
    expect(sold).toBeGreaterThan(0);
    expect((await harness.shop.getProduct(missing))!.stock).toBe(50 - sold);
    expect(moiOf(ref)).toEqual([shopOrders.map((order) => String(order.id))]);
  });

  it('re-import of an imported order: a new shop order, the old one in technical error, stock unchanged, moi again', async () => {
    const imported = events.find((e) => e.type === 'OrderImported')!;
    const ref = referenceOf(imported.stream);
    const [old] = await harness.shop.listOrdersFor(ref.marketplace, ref.marketplaceOrderId);
    const stockBefore = (await harness.shopFacts()).stock;

    const result = await harness.commandBus.execute(new ReimportOrderNow(ref, operator('story-2-reimport')));
    expect(result).toMatchObject({ outcome: { kind: 'planned' } });
    await harness.settle();

    const orders = await harness.shop.listOrdersFor(ref.marketplace, ref.marketplaceOrderId);
    const fresh = orders.filter((order) => order.state !== 'technical_error');
    expect((await harness.shop.getOrder(old.id))!.state).toBe('technical_error');
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    expect(fresh.every((order) => order.id !== old.id)).toBe(true);
    expect((await harness.shopFacts()).stock).toEqual(stockBefore);
    const types = await typesOf(imported.stream);
    expect(types).toContain('OrderReimported');
    expect(types.filter((t) => t === 'StockDecremented')).toHaveLength(1);
    const moi = moiOf(ref);
    expect(moi[moi.length - 1]).toEqual(fresh.map((order) => String(order.id)));
  });

  it('re-synchronise: the merchant order ids go to Lengow again', async () => {
    const imported = [...events].reverse().find((e) => e.type === 'OrderImported')!;
    const ref = referenceOf(imported.stream);
    const before = moiOf(ref);
    expect(before).toHaveLength(1);

    await harness.commandBus.execute(new ResynchronizeOrderNow(ref, operator('story-3-resync')));
    await harness.settle();

    const after = moiOf(ref);
    expect(after).toEqual([before[0], before[0]]);
    expect(await typesOf(imported.stream)).toContain('OrderResynchronisationRequested');
  });
});
