import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import type { OrderCommandExecutor } from '../commands/order-command-executor.js';
import type { OrderKey } from '../domain/order-key.js';
import { MarkShopOrderCanceled, MarkShopOrderRefunded, MarkShopOrderShipped } from './mark-shop-order-commands.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { PortFaults, SimulatedCrash } from './testing/port-faults.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';
import { toCreateShopOrdersInput } from './to-create-shop-orders-input.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;
let executor: PortFaults<OrderCommandExecutor>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.reset();
  executor = new PortFaults<OrderCommandExecutor>();
  // Sagas off: these tests are about what reaches the order streams, not about the actions that follow.
  engine = await ReactionsEngine.start({ sandbox, sagas: false, wrapExecutor: (real) => executor.wrap(real) });
});
afterEach(() => engine.close());

async function importedOrder(id: string, lines = 1): Promise<{ orderKey: OrderKey; shopOrderId: string }> {
  const orderKey = await engine.importOrder(
    emulatorOrder({
      marketplaceOrderId: id,
      packages: [
        Array.from({ length: lines }, (_, i) => ({
          lineId: `${id}-${i + 1}`,
          product: '101',
          quantity: i + 1,
          amount: 10,
        })),
      ],
    }),
  );
  await engine.createPlannedOrders(orderKey);
  const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
  return { orderKey, shopOrderId: String(shopOrder.id) };
}

const ship = (shopOrderId: string, key: string, trackingNumber = 'TRK-1') =>
  engine.commands.execute(new MarkShopOrderShipped({ shopOrderId, carrier: 'Colissimo', trackingNumber }, key));

describe('ShopChangeFeedPoller', () => {
  it('records each merchant change on its order stream once, from its own checkpoint', async () => {
    const first = await importedOrder('CD-7001');
    const second = await importedOrder('CD-7002');
    await ship(first.shopOrderId, 'k1');
    await engine.commands.execute(new MarkShopOrderCanceled({ shopOrderId: second.shopOrderId }, 'k2'));

    expect(await engine.reactions.pollShopChanges()).toEqual({ recorded: 2, parked: 0, replayed: 0, lastId: 2 });
    expect(await engine.reactions.pollShopChanges()).toEqual({ recorded: 0, parked: 0, replayed: 0, lastId: 2 });

    const shipped = await engine.lastEvent<Record<string, unknown>>(first.orderKey, 'ShopOrderShipped');
    expect(shipped.data).toMatchObject({
      changeId: 'shop-change:1',
      shopOrderId: first.shopOrderId,
      carrier: { id: String(engine.carriers.colissimo.referenceId), name: 'Colissimo' },
      trackingNumber: 'TRK-1',
      trackingUrl: 'https://track.example/TRK-1',
    });
    expect((await engine.eventTypes(second.orderKey)).slice(-1)).toEqual(['ShopOrderCanceled']);
  });

  it('turns refunds of a merged shop line into units of the marketplace lines it came from, never twice', async () => {
    // Two marketplace lines of one product (1 + 2 units) are one shop line of 3.
    const { orderKey, shopOrderId } = await importedOrder('CD-7003', 2);
    const shopLine = (await engine.shop.getOrder(shopOrderId))!.lines[0];
    expect(shopLine).toMatchObject({ quantity: 3, marketplaceLineIds: ['CD-7003-1', 'CD-7003-2'] });

    await engine.commands.execute(
      new MarkShopOrderRefunded({ shopOrderId, lines: [{ lineId: shopLine.id, quantity: 2 }] }, 'r1'),
    );
    await engine.reactions.pollShopChanges();
    await engine.commands.execute(
      new MarkShopOrderRefunded({ shopOrderId, lines: [{ lineId: shopLine.id, quantity: 1 }] }, 'r2'),
    );
    await engine.reactions.pollShopChanges();

    // The second refund completes the order in the shop ("refunded"), but on the marketplace only what was left is
    // refunded: a whole-order refund would refund the first units twice.
    expect((await engine.shop.getOrder(shopOrderId))!.state).toBe('refunded');
    expect(await engine.eventTypes(orderKey)).not.toContain('ShopOrderRefunded');
    const refunds = (await engine.events(orderKey)).filter((event) => event.type === 'ShopOrderLineRefunded');
    expect(refunds.map((event) => event.data.lines)).toEqual([
      [
        { marketplaceLineId: 'CD-7003-1', quantity: 1 },
        { marketplaceLineId: 'CD-7003-2', quantity: 1 },
      ],
      [{ marketplaceLineId: 'CD-7003-2', quantity: 1 }],
    ]);
  });

  it('parks a change the order stream cannot take yet, goes on with the feed, and records it once it can', async () => {
    // The merchant ships in the instant between the shop creating the orders and the stream recording them.
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-7004' }));
    const planned = await engine.planned(orderKey);
    const input = toCreateShopOrdersInput(orderKey, planned.data.plan, (carrier) => Number(carrier.id));
    if (!input.ok) throw new Error(input.reasons.join('; '));
    const created = await engine.shop.createOrders(input.key, input.input);
    await ship(String(created.orders[0].id), 'early');
    const later = await importedOrder('CD-7005');
    await ship(later.shopOrderId, 'later');

    expect(await engine.reactions.pollShopChanges()).toMatchObject({ recorded: 1, parked: 1 });
    expect(await engine.reactions.shopFeed.listParked()).toEqual([
      expect.objectContaining({ changeId: 1, code: 'ORDER_NOT_IMPORTED', retryable: true, attempts: 1 }),
    ]);

    await engine.createPlannedOrders(orderKey); // the same key: the shop hands back the orders it made
    expect(await engine.reactions.pollShopChanges()).toMatchObject({ replayed: 1, recorded: 0 });
    expect(await engine.reactions.shopFeed.listParked()).toEqual([]);
    expect((await engine.eventTypes(orderKey)).slice(-1)).toEqual(['ShopOrderShipped']);
  });

  it('a change a command made before its order stream could take it keeps the command’s actor once replayed', async () => {
    const orderKey = await engine.importOrder(emulatorOrder({ marketplaceOrderId: 'CD-7008' }));
    const input = await toCreateInputOf(orderKey);
    const created = await engine.shop.createOrders(input.key, input.input);
    const door = { commandId: 'nats-ship-7008', correlationId: 'erp-order-7008', actor: 'bus:erp' } as const;
    // The command's own record is refused (the stream does not know the shop order yet): only the feed can record it.
    await engine.commands.execute(
      new MarkShopOrderShipped({ shopOrderId: String(created.orders[0].id), trackingNumber: 'TRK-8' }, 'k-8', door),
    );
    expect(await engine.reactions.pollShopChanges()).toMatchObject({ recorded: 0, parked: 1 });

    await engine.createPlannedOrders(orderKey);
    expect(await engine.reactions.pollShopChanges()).toMatchObject({ replayed: 1 });
    const shipped = await engine.lastEvent(orderKey, 'ShopOrderShipped');
    expect(shipped.metadata).toMatchObject({
      actor: 'bus:erp',
      correlationId: 'erp-order-7008',
      causationId: 'nats-ship-7008',
    });
  });

  it('records a change whose kept origin names no actor the engine writes as the engine’s own', async () => {
    const { orderKey, shopOrderId } = await importedOrder('CD-7009');
    const origin = { actor: 'root', commandId: 'c-1', correlationId: 'x-1', causationId: null };
    await engine.shop.shipOrder(shopOrderId, { trackingNumber: 'TRK-9', shippedAt: '2025-06-01T10:00:00Z' }, origin);
    expect(await engine.reactions.pollShopChanges()).toMatchObject({ recorded: 1 });
    const shipped = await engine.lastEvent(orderKey, 'ShopOrderShipped');
    expect(shipped.metadata.actor).toBe('system');
    expect(shipped.metadata.correlationId).not.toBe('x-1');
  });

  it('parks a change of an order the engine never saw, with the reason, and does not stop there', async () => {
    const { orderKey, shopOrderId } = await importedOrder('CD-7006');
    const stranger = await engine.shop.createOrders('outside-the-engine', {
      ...(await toInputOf(orderKey)),
      marketplaceOrderId: 'NOT-FROM-LENGOW',
    });
    await ship(String(stranger.orders[0].id), 's1');
    await ship(shopOrderId, 's2');

    expect(await engine.reactions.pollShopChanges()).toMatchObject({ recorded: 1, parked: 1 });
    const [parked] = await engine.reactions.shopFeed.listParked();
    expect(parked).toMatchObject({ marketplaceOrderId: 'NOT-FROM-LENGOW', code: 'ORDER_NOT_FOUND', kind: 'shipped' });
    expect(parked.reason).toContain('has never been seen');
  });

  it('after a crash between recording a change and moving the checkpoint, the change is recorded once', async () => {
    const { orderKey, shopOrderId } = await importedOrder('CD-7007');
    await ship(shopOrderId, 'c1');
    executor.crashAfter('execute', { when: (command) => command.type === 'RecordShopStatusChange' });
    await expect(engine.reactions.pollShopChanges()).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await engine.reactions.pollShopChanges()).toMatchObject({ recorded: 1, lastId: 1 });
    expect((await engine.eventTypes(orderKey)).filter((type) => type === 'ShopOrderShipped')).toHaveLength(1);
  });
});

async function toCreateInputOf(orderKey: OrderKey) {
  const planned = await engine.planned(orderKey);
  const input = toCreateShopOrdersInput(orderKey, planned.data.plan, (carrier) => Number(carrier.id));
  if (!input.ok) throw new Error(input.reasons.join('; '));
  return input;
}

async function toInputOf(orderKey: OrderKey) {
  return (await toCreateInputOf(orderKey)).input;
}
