import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { ACTION_TOO_OLD_MESSAGE } from '../domain/action-failure.js';
import type { OrderKey } from '../domain/order-key.js';
import { MarkShopOrderRefunded, MarkShopOrderShipped } from './mark-shop-order-commands.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from './testing/emulator-order.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

const THREE_DAYS_MS = 3 * 24 * 3600_000;

/** Imports a one-line order, ships it in the shop and lets the sagas post the ship action. */
async function shipped(engine: ReactionsEngine, id: string): Promise<OrderKey> {
  const orderKey = await engine.importOrder(
    emulatorOrder({
      marketplaceOrderId: id,
      packages: [[{ lineId: `${id}-1`, product: '101', quantity: 1, amount: 19.95 }]],
    }),
  );
  await engine.settle();
  const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
  await engine.commands.execute(
    new MarkShopOrderShipped(
      { shopOrderId: String(shopOrder.id), carrier: 'Colissimo', trackingNumber: `TRK-${id}` },
      `ship-${id}`,
    ),
  );
  await engine.reactions.pollShopChanges();
  await engine.settle();
  expect(await engine.eventTypes(orderKey)).toContain('ActionSent');
  return orderKey;
}

/**
 * Imports a shipped order of two lines (one unit each), refunds one line whole, or the whole order, in the shop and
 * lets the sagas post the refund: one action per line on Cdiscount, which takes `line` but no quantity.
 */
async function refunded(engine: ReactionsEngine, id: string, what: 'one line' | 'whole order'): Promise<OrderKey> {
  const orderKey = await engine.importOrder(
    emulatorOrder({
      marketplaceOrderId: id,
      marketplaceStatus: 'Shipped',
      packages: [
        [
          { lineId: `${id}-1`, product: '101', quantity: 1, amount: 19.95 },
          { lineId: `${id}-2`, product: '102', quantity: 1, amount: 20 },
        ],
      ],
    }),
  );
  await engine.settle();
  const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
  const lines = what === 'one line' ? [{ lineId: shopOrder.lines[0].id, quantity: 1 }] : undefined;
  await engine.commands.execute(
    new MarkShopOrderRefunded({ shopOrderId: String(shopOrder.id), lines }, `refund-${id}`),
  );
  await engine.reactions.pollShopChanges();
  await engine.settle();
  expect(await engine.eventTypes(orderKey)).toContain('ActionSent');
  return orderKey;
}

/** Changes the order on the emulator without processing its queued actions first (the admin route would). */
function setEmulatorStatus(sandbox: Sandbox, orderKey: OrderKey, marketplaceStatus: string, lengowStatus: string) {
  sandbox.state.orders.mutate(EMULATOR_MARKETPLACE, orderKey.marketplaceOrderId, (order) => {
    order.marketplace_status = marketplaceStatus;
    order.lengow_status = lengowStatus;
  });
}

describe('ActionResultsPoller, marketplace answering at once', () => {
  let sandbox: Sandbox;
  let engine: ReactionsEngine;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.state.reset();
    engine = await ReactionsEngine.start({ sandbox });
  });
  afterEach(() => engine.close());

  it('records an accepted action as confirmed, once, however often it polls', async () => {
    const orderKey = await shipped(engine, 'CD-6001');
    expect(await engine.reactions.pollActionResults()).toMatchObject({ accepted: 1, errors: 0 });
    await engine.settle();
    expect(await engine.reactions.pollActionResults()).toMatchObject({ accepted: 0, waiting: 0 });
    expect((await engine.eventTypes(orderKey)).filter((type) => type === 'ActionConfirmed')).toHaveLength(1);
  });

  it('records a refusal with the marketplace’s errors, and leaves it failed', async () => {
    const orderKey = await shipped(engine, 'CD-6002');
    // The buyer canceled meanwhile: the marketplace refuses to ship.
    setEmulatorStatus(sandbox, orderKey, 'CancelledByCustomer', 'canceled');
    expect(await engine.reactions.pollActionResults()).toMatchObject({ refused: 1 });
    await engine.settle();
    const rejected = await engine.lastEvent<{ source: string; failures: { code: string; message: string }[] }>(
      orderKey,
      'ActionRejected',
    );
    expect(rejected.data.source).toBe('lengow');
    expect(rejected.data.failures).toEqual([
      { code: 'LENGOW_REFUSED', message: expect.stringContaining('not allowed for an order in status canceled') },
    ]);
    engine.clock.advance(THREE_DAYS_MS * 2);
    expect(await engine.reactions.pollActionResults()).toMatchObject({ resent: 0, refused: 0, waiting: 0 });
    expect(engine.actionsOf(orderKey)).toHaveLength(1);
  });
});

describe('ActionResultsPoller, marketplace slow to answer', () => {
  let sandbox: Sandbox;
  let engine: ReactionsEngine;
  beforeAll(async () => {
    // Out of the queue at once, then "sent, waiting for the marketplace" for an hour.
    sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, actionSentPhaseMs: 3600_000, orderCount: 0 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.state.reset();
    engine = await ReactionsEngine.start({ sandbox });
  });
  afterEach(() => engine.close());

  it('waits, then after 3 days checks the order: no effect on the marketplace → timed out', async () => {
    const orderKey = await shipped(engine, 'CD-6101');
    expect(await engine.reactions.pollActionResults()).toMatchObject({ waiting: 1 });
    engine.clock.advance(THREE_DAYS_MS - 60_000);
    expect(await engine.reactions.pollActionResults()).toMatchObject({ waiting: 1, timedOut: 0 });

    engine.clock.advance(120_000);
    const ordersRead = sandbox.state.requestCountsJson()['GET /v3.0/orders']?.total ?? 0;
    expect(await engine.reactions.pollActionResults()).toMatchObject({ timedOut: 1 });
    // The real order was read before declaring it (lengow-api.md §13 #9).
    expect(sandbox.state.requestCountsJson()['GET /v3.0/orders']?.total).toBe(ordersRead + 1);
    const timedOut = await engine.lastEvent<{ failure: { code: string; message: string } }>(orderKey, 'ActionTimedOut');
    expect(timedOut.data.failure).toEqual({ code: 'TIMED_OUT', message: ACTION_TOO_OLD_MESSAGE });
  });

  it('after 3 days, an order the marketplace shows as shipped confirms the ship action instead', async () => {
    const orderKey = await shipped(engine, 'CD-6102');
    setEmulatorStatus(sandbox, orderKey, 'Shipped', 'shipped');
    engine.clock.advance(THREE_DAYS_MS + 60_000);
    expect(await engine.reactions.pollActionResults()).toMatchObject({ accepted: 1, timedOut: 0 });
    expect(await engine.eventTypes(orderKey)).toContain('ActionConfirmed');
    expect(await engine.eventTypes(orderKey)).not.toContain('ActionTimedOut');
  });

  it('given a line refund sent 3 days ago, when Lengow shows partial_refunded, then it is confirmed', async () => {
    const orderKey = await refunded(engine, 'CD-6103', 'one line');
    // One line of two: Cdiscount is told it is a partial refund, not its default "full".
    expect(engine.actionsOf(orderKey).map(({ actionType, line, args }) => ({ actionType, line, args }))).toEqual([
      { actionType: 'refund', line: 'CD-6103-1', args: { refund_reason: 'PRODUCT_RETURNED', refund_mode: 'partial' } },
    ]);
    engine.clock.advance(THREE_DAYS_MS + 60_000);
    setEmulatorStatus(sandbox, orderKey, 'PartiallyRefunded', 'partial_refunded');
    // Declared too old, the merchant would be told to retry, and the line refunded twice.
    expect(await engine.reactions.pollActionResults()).toMatchObject({ accepted: 1, timedOut: 0 });
    expect(await engine.eventTypes(orderKey)).toContain('ActionConfirmed');
    expect(await engine.eventTypes(orderKey)).not.toContain('ActionTimedOut');
  });

  it('given a whole-order refund sent 3 days ago, when Lengow shows partial_refunded, then it timed out', async () => {
    const orderKey = await refunded(engine, 'CD-6104', 'whole order');
    engine.clock.advance(THREE_DAYS_MS + 60_000);
    setEmulatorStatus(sandbox, orderKey, 'PartiallyRefunded', 'partial_refunded');
    expect(await engine.reactions.pollActionResults()).toMatchObject({ accepted: 0, timedOut: 2 });
    expect(await engine.eventTypes(orderKey)).not.toContain('ActionConfirmed');
  });
});
