import { emulatorOrder } from './testing/emulator-order.js';
import { useFaultyReactionsEngine } from './testing/reactions-test-engine.js';

const reactions = useFaultyReactionsEngine();

describe('takeOrderStock', () => {
  it('takes the stock of an order whose id is at the 200-character limit, whose key is longer than the shop takes', async () => {
    // The longest id the engine accepts from Lengow (and operators can name): the stock key adds the stream name.
    const orderKey = await reactions.engine.importOrder(emulatorOrder({ marketplaceOrderId: 'L'.repeat(200) }));
    expect(await reactions.engine.createPlannedOrders(orderKey)).toMatchObject({ kind: 'created', stock: 'taken' });
    expect((await reactions.engine.state(orderKey)).stock).toMatchObject({ status: 'done' });
    expect((await reactions.engine.shop.getProduct('101'))!.stock).toBe(8);
  });
});
