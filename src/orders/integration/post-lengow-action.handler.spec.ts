import type { LengowApi } from '../../lengow/lengow-api.port.js';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox-server.js';
import type { OrderCommandExecutor } from '../commands/order-command-executor.js';
import type { ActionRequested } from '../domain/action-events.js';
import type { OrderKey } from '../domain/order-key.js';
import { MarkShopOrderShipped } from './mark-shop-order-commands.js';
import { PostLengowAction } from './post-lengow-action.js';
import { sagaMetadata } from './reaction-metadata.js';
import { RequestLengowAction } from './request-lengow-action.js';
import { emulatorOrder } from './testing/emulator-order.js';
import { PortFaults, SimulatedCrash } from './testing/port-faults.js';
import { ReactionsEngine } from './testing/reactions-test-engine.js';

let sandbox: Sandbox;
let engine: ReactionsEngine;
let executor: PortFaults<OrderCommandExecutor>;
let lengow: PortFaults<LengowApi>;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, actionProcessingDelayMs: 0, orderCount: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.state.reset();
  executor = new PortFaults<OrderCommandExecutor>();
  lengow = new PortFaults<LengowApi>();
  engine = await ReactionsEngine.start({
    sandbox,
    sagas: false,
    wrapExecutor: (real) => executor.wrap(real),
    wrapLengow: (real) => lengow.wrap(real),
  });
});
afterEach(() => engine.close());

const ACTIONS_ROUTE = '/v3.0/orders/actions/';
const posts = () => sandbox.state.requestCountsJson()[`POST ${ACTIONS_ROUTE}`]?.total ?? 0;

/** An imported one-line order, shipped in the shop, with its ship request recorded: the POST is what is left. */
async function shipRequested(
  id: string,
  on: ReactionsEngine = engine,
  marketplaceCarrier: string | null = null,
): Promise<{ orderKey: OrderKey; command: PostLengowAction }> {
  const engine = on;
  const orderKey = await engine.importOrder(
    emulatorOrder({
      marketplaceOrderId: id,
      carrier: marketplaceCarrier,
      packages: [[{ lineId: `${id}-1`, product: '101', quantity: 1, amount: 19.95 }]],
    }),
  );
  await engine.createPlannedOrders(orderKey);
  const [shopOrder] = await engine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
  await engine.commands.execute(
    new MarkShopOrderShipped(
      { shopOrderId: String(shopOrder.id), carrier: 'Colissimo', trackingNumber: `TRK-${id}` },
      `ship-${id}`,
    ),
  );
  return { orderKey, command: await requestShip(engine, orderKey) };
}

/** The ship request of the order's last shop change, as the shop-changes saga would make it: the POST it calls for. */
async function requestShip(engine: ReactionsEngine, orderKey: OrderKey): Promise<PostLengowAction> {
  await engine.reactions.pollShopChanges();
  const shipped = await engine.lastEvent<{ changeId: string }>(orderKey, 'ShopOrderShipped');
  await engine.commands.execute(
    new RequestLengowAction(
      shipped.stream,
      'ship',
      shipped.data.changeId,
      sagaMetadata(shipped, 'shop-changes', 'ship'),
    ),
  );
  const requested = await engine.lastEvent<ActionRequested['data']>(orderKey, 'ActionRequested');
  expect(requested.data.actions).toHaveLength(1);
  const attemptKey = requested.data.actions[0].attemptKey;
  return new PostLengowAction(requested.stream, attemptKey, sagaMetadata(requested, 'lengow-actions', attemptKey));
}

describe('PostLengowAction', () => {
  it('posts the attempt once and records Lengow’s id; the same command again posts nothing', async () => {
    const { orderKey, command } = await shipRequested('CD-5001');
    const sent = await engine.commands.execute(command);
    expect(sent).toMatchObject({ kind: 'sent', via: 'posted' });
    expect(await engine.commands.execute(command)).toEqual({ kind: 'skipped', reason: 'not_open' });

    const actions = engine.actionsOf(orderKey);
    expect(actions.map((action) => [String(action.id), action.actionType, action.line, action.args])).toEqual([
      [
        sent.kind === 'sent' ? sent.lengowActionId : '',
        'ship',
        'CD-5001-1',
        { carrier: 'COL', tracking_number: 'TRK-CD-5001', tracking_url: 'https://track.example/TRK-CD-5001' },
      ],
    ]);
    expect(posts()).toBe(1);
    expect((await engine.eventTypes(orderKey)).slice(-1)).toEqual(['ActionSent']);
  });

  it('after a crash once Lengow created the action, the redelivery adopts it instead of posting again', async () => {
    const { orderKey, command } = await shipRequested('CD-5002');
    executor.crashBefore('execute', { when: (domain) => domain.type === 'RecordActionSent' });
    await expect(engine.commands.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
    // The emulator processes at once: the action has already left the queue, so only the journal's "since" finds it.
    expect(engine.actionsOf(orderKey)).toHaveLength(1);

    const adopted = await engine.commands.execute(command);
    expect(adopted).toEqual({
      kind: 'sent',
      via: 'adopted',
      lengowActionId: String(engine.actionsOf(orderKey)[0].id),
    });
    expect(engine.actionsOf(orderKey)).toHaveLength(1);
    expect(posts()).toBe(1);
  });

  it('after a crash before the POST, the redelivery posts it once', async () => {
    const { orderKey, command } = await shipRequested('CD-5003');
    lengow.crashBefore('sendAction');
    await expect(engine.commands.execute(command)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(engine.actionsOf(orderKey)).toHaveLength(0);

    expect(await engine.commands.execute(command)).toMatchObject({ kind: 'sent', via: 'posted' });
    expect(engine.actionsOf(orderKey)).toHaveLength(1);
    expect(posts()).toBe(1);
  });

  it('records an unavailable Lengow as a transient failure; the result poller posts it again once due', async () => {
    const { orderKey, command } = await shipRequested('CD-5004');
    sandbox.faults.add({ kind: 'http_503', route: ACTIONS_ROUTE, method: 'POST', count: 2 });
    const failed = await engine.commands.execute(command);
    expect(failed).toMatchObject({ kind: 'send_failed', transient: true });
    expect(engine.actionsOf(orderKey)).toHaveLength(0);
    const event = await engine.lastEvent<{ sendFailures: number; at: string; nextAttemptAt: string }>(
      orderKey,
      'ActionSendFailed',
    );
    expect(event.data.sendFailures).toBe(1);
    expect(Date.parse(event.data.nextAttemptAt) - Date.parse(event.data.at)).toBe(60_000);

    await engine.settle();
    expect(await engine.reactions.pollActionResults()).toMatchObject({ resent: 0 });
    engine.clock.advance(61_000);
    expect(await engine.reactions.pollActionResults()).toMatchObject({ resent: 1 });
    expect(engine.actionsOf(orderKey)).toHaveLength(1);
    expect((await engine.eventTypes(orderKey)).slice(-2)).toEqual(['ActionSendFailed', 'ActionSent']);
  });

  it("keeps an action Lengow refused for the engine's credentials waiting, and posts it once they work again", async () => {
    const { orderKey, command } = await shipRequested('CD-5007');
    // 401 on the POST, and again with the refreshed token: the connector gives up with LengowAuthError.
    sandbox.faults.add({ kind: 'unauthorized', route: ACTIONS_ROUTE, method: 'POST', count: 2 });
    const failed = await engine.commands.execute(command);
    expect(failed).toMatchObject({ kind: 'send_failed', transient: true });
    expect(failed.kind === 'send_failed' && failed.message).toMatch(/^Lengow refused the engine's credentials \(/);
    expect(await engine.eventTypes(orderKey)).not.toContain('ActionRejected');
    const event = await engine.lastEvent<{ failure: { message: string }; nextAttemptAt: string; at: string }>(
      orderKey,
      'ActionSendFailed',
    );
    expect(event.data.failure.message).toMatch(/the action is sent once they work again$/);
    expect(Date.parse(event.data.nextAttemptAt) - Date.parse(event.data.at)).toBe(60_000);

    await engine.settle();
    engine.clock.advance(61_000);
    expect(await engine.reactions.pollActionResults()).toMatchObject({ resent: 1 });
    expect(engine.actionsOf(orderKey)).toHaveLength(1);
  });

  it('records a refused POST as permanent and never posts it again on its own', async () => {
    const { orderKey, command } = await shipRequested('CD-5005');
    sandbox.state.reset(); // Lengow no longer knows the order: 404
    expect(await engine.commands.execute(command)).toMatchObject({ kind: 'send_failed', transient: false });
    const rejected = await engine.lastEvent<{ source: string }>(orderKey, 'ActionRejected');
    expect(rejected.data.source).toBe('lengow');

    await engine.settle();
    engine.clock.advance(7 * 24 * 3600_000);
    expect(await engine.reactions.pollActionResults()).toEqual({
      resent: 0,
      accepted: 0,
      refused: 0,
      timedOut: 0,
      waiting: 0,
      errors: 0,
    });
    expect(await engine.commands.execute(command)).toEqual({ kind: 'skipped', reason: 'not_open' });
    expect(posts()).toBe(1);
  });
});

describe('PostLengowAction while Lengow still queues the same action for an earlier request', () => {
  let slow: Sandbox;
  let slowEngine: ReactionsEngine;
  beforeAll(async () => {
    slow = await startSandbox({ port: 0, actionProcessingDelayMs: 3_600_000, orderCount: 0 });
  });
  afterAll(() => slow.close());
  beforeEach(async () => {
    slowEngine = await ReactionsEngine.start({ sandbox: slow, sagas: false });
  });
  afterEach(() => slowEngine.close());

  it('records a transient send failure, posts nothing, and leaves the attempt to be retried', async () => {
    const { orderKey, command } = await shipRequested('CD-5006', slowEngine, 'COL');
    expect(await slowEngine.commands.execute(command)).toMatchObject({ kind: 'sent', via: 'posted' });
    // The shop ships the order again under another carrier name: a change of its own, but the marketplace's carrier
    // wins, so Lengow would get the very same arguments, and it still holds the first action in its queue.
    const [shopOrder] = await slowEngine.shop.listOrdersFor(orderKey.marketplace, orderKey.marketplaceOrderId);
    await slowEngine.commands.execute(
      new MarkShopOrderShipped(
        {
          shopOrderId: String(shopOrder.id),
          carrier: 'Chronopost',
          trackingNumber: 'TRK-CD-5006',
          trackingUrl: 'https://track.example/TRK-CD-5006',
        },
        'ship-CD-5006-again',
      ),
    );
    const second = await requestShip(slowEngine, orderKey);
    expect(second.attemptKey).not.toBe(command.attemptKey);

    const outcome = await slowEngine.commands.execute(second);
    expect(outcome).toMatchObject({ kind: 'send_failed', transient: true });
    expect(outcome.kind === 'send_failed' && outcome.message).toMatch(/identical ship action .* still queued/);
    expect(slowEngine.actionsOf(orderKey)).toHaveLength(1);
    const failed = await slowEngine.lastEvent<{ attemptKey: string; nextAttemptAt: string }>(
      orderKey,
      'ActionSendFailed',
    );
    expect(failed.data.attemptKey).toBe(second.attemptKey);
  });
});
