import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { emulatorOrder } from '../integration/testing/emulator-order.js';
import { ReactionsEngine } from '../integration/testing/reactions-test-engine.js';
import { MarkShopOrderShipped } from '../integration/mark-shop-order-commands.js';

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
    expect(await engine.eventTypes(orderKey)).toEqual([
      'OrderImportPlanned',
      'OrderImported',
      'StockDecremented',
      'MerchantOrderIdsSent',
    ]);

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
