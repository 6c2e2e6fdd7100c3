import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import { isShopError } from '../../shop/shop-error.js';
import type { Shop } from '../../shop/shop.port.js';
import {
  MarkShopOrderCanceled,
  MarkShopOrderRefunded,
  MarkShopOrderShipped,
  type ShopCommandResult,
} from './mark-shop-order-commands.js';
import { ReactionCommandInvalid } from './reaction-command-invalid.error.js';
import { ShopCommandInProgress, ShopCommandKeyReused } from './shop-command-keys.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { PortFaults, SimulatedCrash } from './testing/port-faults.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;
let shop: PortFaults<Shop>;
let shopOrderId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.reset();
  shop = new PortFaults<Shop>();
  engine = await ReactionsEngine.start({
    sandbox,
    sagas: false,
    wrapShop: (real) => shop.wrap(real),
    // Claims renewed every few milliseconds of real time, so a test moving the engine's clock sees them renewed.
    reactions: { shopCommandHeartbeatMs: 5 },
  });
  const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-8001' }));
  await engine.createPlannedOrders(orderKey);
  shopOrderId = String((await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId))[0].id);
});
afterEach(() => engine.close());

const feed = () => engine.shop.changesAfter(0, 1000);
const run = (command: object): Promise<ShopCommandResult> => engine.commands.execute(command as MarkShopOrderShipped);
/** Waits (bounded) until the open claim was renewed at least `ms` after the engine's start, by the engine's clock. */
async function renewedAfter(ms: number): Promise<void> {
  const threshold = engine.clock.now().getTime() - ms + 1;
  for (let i = 0; i < 200; i++) {
    const rows = await engine.db.query<{ started_at: string }>(
      `SELECT started_at FROM shop_command_keys WHERE status = 'started'`,
    );
    if (rows.length > 0 && rows.every((row) => Date.parse(row.started_at) >= threshold)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const refundedUnits = async () => (await engine.shop.getOrder(shopOrderId))!.lines.map((line) => line.refundedQuantity);

describe('Merchant commands under an idempotency key', () => {
  it('ships once: the same request again gets the first answer and adds nothing to the feed', async () => {
    const payload = { shopOrderId, carrier: 'Colissimo', trackingNumber: 'TRK-1' };
    const first = await run(new MarkShopOrderShipped(payload, 'http-1'));
    const again = await run(new MarkShopOrderShipped({ ...payload }, 'http-1'));

    expect(first).toMatchObject({ replayed: false, changed: true, changeId: 1 });
    expect(first.order).toMatchObject({ state: 'shipped', tracking: { trackingNumber: 'TRK-1' } });
    expect(again).toMatchObject({ replayed: true, changed: true, changeId: 1 });
    expect(await feed()).toHaveLength(1);
    expect(shop.count('shipOrder')).toBe(1);
  });

  it('refuses the same key for another request', async () => {
    await run(new MarkShopOrderShipped({ shopOrderId, trackingNumber: 'TRK-1' }, 'http-2'));
    await expect(run(new MarkShopOrderShipped({ shopOrderId, trackingNumber: 'TRK-2' }, 'http-2'))).rejects.toEqual(
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    );
    await expect(run(new MarkShopOrderCanceled({ shopOrderId }, 'http-2'))).rejects.toBeInstanceOf(
      ShopCommandKeyReused,
    );
    expect(await feed()).toHaveLength(1);
  });

  it('refunds a part once when the HTTP request is retried', async () => {
    const line = (await engine.shop.getOrder(shopOrderId))!.lines[0];
    const refund = () =>
      run(new MarkShopOrderRefunded({ shopOrderId, lines: [{ lineId: line.id, quantity: 1 }] }, 'r-1'));
    await refund();
    await refund();
    await refund();
    expect(await refundedUnits()).toEqual([1, 0]);
    expect(await feed()).toHaveLength(1);
  });

  it('after a lost answer, a late retry sees the units already refunded and does not refund them again', async () => {
    const line = (await engine.shop.getOrder(shopOrderId))!.lines[0];
    const command = new MarkShopOrderRefunded({ shopOrderId, lines: [{ lineId: line.id, quantity: 1 }] }, 'r-2');
    shop.crashAfter('refundOrder');
    await expect(run(command)).rejects.toBeInstanceOf(SimulatedCrash);
    // The first request may still be running: a racing retry is told to come back.
    await expect(run(command)).rejects.toBeInstanceOf(ShopCommandInProgress);

    engine.clock.advance(31_000);
    expect(await run(command)).toMatchObject({ replayed: true, changed: true, changeId: null });
    expect(await run(command)).toMatchObject({ replayed: true });
    expect(await refundedUnits()).toEqual([1, 0]);
    expect(shop.count('refundOrder')).toBe(1);
  });

  it('a retry never takes over from a call that is slow but alive, so a partial refund is made once', async () => {
    const line = (await engine.shop.getOrder(shopOrderId))!.lines[0];
    const command = new MarkShopOrderRefunded({ shopOrderId, lines: [{ lineId: line.id, quantity: 1 }] }, 'r-slow');
    // The first call waits (for the feed's lock, a slow shop…) past the 30 s after which an unrenewed claim is stale.
    const slow = shop.hold('refundOrder');
    const first = run(command);
    await slow.reached;
    engine.clock.advance(31_000);
    await renewedAfter(31_000);
    // The client's retry, here or on another engine process sharing the database.
    await expect(run(command)).rejects.toBeInstanceOf(ShopCommandInProgress);
    slow.release();
    expect(await first).toMatchObject({ replayed: false, changed: true, changeId: 1 });
    expect(await run(command)).toMatchObject({ replayed: true, changeId: 1 });
    expect(await refundedUnits()).toEqual([1, 0]);
    expect(shop.count('refundOrder')).toBe(1);
    expect(await feed()).toHaveLength(1);
  });

  it('after a crash before the shop was called, a late retry refunds once', async () => {
    const line = (await engine.shop.getOrder(shopOrderId))!.lines[0];
    const command = new MarkShopOrderRefunded({ shopOrderId, lines: [{ lineId: line.id, quantity: 1 }] }, 'r-3');
    shop.crashBefore('refundOrder');
    await expect(run(command)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await refundedUnits()).toEqual([0, 0]);

    engine.clock.advance(31_000);
    expect(await run(command)).toMatchObject({ replayed: false, changed: true, changeId: 1 });
    expect(await refundedUnits()).toEqual([1, 0]);
  });

  it('frees the key when the shop refuses, so a corrected request can use it', async () => {
    await run(new MarkShopOrderShipped({ shopOrderId, trackingNumber: 'TRK-1' }, 'ship'));
    const refused = await run(new MarkShopOrderCanceled({ shopOrderId }, 'k-9')).catch((error: unknown) => error);
    expect(isShopError(refused, 'INVALID_STATE_TRANSITION')).toBe(true);
    expect(await run(new MarkShopOrderRefunded({ shopOrderId }, 'k-9'))).toMatchObject({ changed: true });
    expect((await engine.shop.getOrder(shopOrderId))!.state).toBe('refunded');
  });

  it('refuses malformed commands naming every bad field, before the shop is asked', async () => {
    const invalid = await run(
      new MarkShopOrderShipped({ shopOrderId, trackingNumber: 42, colour: 'blue' } as never, 'k'),
    ).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ReactionCommandInvalid);
    expect((invalid as ReactionCommandInvalid).failures.map((failure) => failure.field).sort()).toEqual([
      'payload.colour',
      'payload.trackingNumber',
    ]);
    await expect(
      run(new MarkShopOrderRefunded({ shopOrderId, lines: [{ lineId: 1, quantity: 0 }] }, 'k')),
    ).rejects.toMatchObject({ code: 'ORDER_COMMAND_INVALID', field: 'payload.lines[0].quantity' });
    await expect(run(new MarkShopOrderCanceled({ shopOrderId }, ''))).rejects.toMatchObject({
      field: 'idempotencyKey',
    });
    expect(shop.count('shipOrder') + shop.count('refundOrder') + shop.count('cancelOrder')).toBe(0);
  });

  it('takes the merchant’s reason to the feed and the order, and refuses one not text, blank or too long', async () => {
    for (const reason of [42, '   ', 'x'.repeat(501)]) {
      const cancel = run(new MarkShopOrderCanceled({ shopOrderId, reason } as never, 'k-reason'));
      await expect(cancel).rejects.toMatchObject({ code: 'ORDER_COMMAND_INVALID', field: 'payload.reason' });
      const refund = run(new MarkShopOrderRefunded({ shopOrderId, reason } as never, 'k-reason'));
      await expect(refund).rejects.toMatchObject({ code: 'ORDER_COMMAND_INVALID', field: 'payload.reason' });
    }
    expect(shop.count('refundOrder') + shop.count('cancelOrder')).toBe(0);

    const door = { commandId: 'k-reason', actor: 'operator:ann' } as const;
    await run(new MarkShopOrderCanceled({ shopOrderId, reason: 'CUSTOMER_REQUEST' }, 'k-reason', door));
    expect((await feed()).map((change) => [change.kind, 'reason' in change && change.reason])).toEqual([
      ['canceled', 'CUSTOMER_REQUEST'],
    ]);
    const [shopOrder] = await engine.shop.listOrdersFor('cdiscount', 'CD-8001');
    const orderKey = { marketplace: 'cdiscount', marketplaceOrderId: 'CD-8001' };
    expect(shopOrder.state).toBe('canceled');
    expect((await engine.state(orderKey)).shopChanges).toEqual([
      expect.objectContaining({ kind: 'canceled', reason: 'CUSTOMER_REQUEST' }),
    ]);
  });
});
