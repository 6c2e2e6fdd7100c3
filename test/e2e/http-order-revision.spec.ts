import { jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/event-store/event-store.port.js';
import {
  apiCaller,
  mapUncoveredCountriesToLaPoste,
  useHttpEngine,
} from '../../src/http/testing/http-engine-fixture.js';
import { orderStreamName, type OrderKey } from '../../src/orders/domain/order-key.js';
import {
  ImportOneOrder,
  ReimportOrderNow,
  ResynchronizeOrderNow,
} from '../../src/orders/import/commands/import-commands.js';
import { shopUnavailableFailure } from '../../src/orders/import/testing/shop-unavailable-failure.js';
import { ResendOrderAction } from '../../src/orders/integration/resend-order-action.js';
import { RetryOrderStockDecrement } from '../../src/orders/integration/retry-order-stock-decrement.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';

/** What the door's order routes send on the CommandBus once their If-Match check passed. */
const ORDER_COMMANDS = [
  ImportOneOrder,
  ReimportOrderNow,
  ResynchronizeOrderNow,
  ResendOrderAction,
  RetryOrderStockDecrement,
];

describe('HTTP API: an operator’s order revision (If-Match)', () => {
  const engine = useHttpEngine();
  let store: EventStore;
  /** Orders the first import failed for want of a default carrier, mapped since: a re-import would plan them. */
  let waiting: OrderKey[];

  const call = apiCaller(engine);
  const path = (key: OrderKey) => `/api/orders/${key.marketplace}/${encodeURIComponent(key.marketplaceOrderId)}`;
  const eventsOf = async (key: OrderKey) =>
    (await store.readStream(orderStreamName(key))).map((event: RecordedEvent) => [
      event.type,
      event.metadata.commandId,
    ]);
  /** The 412 problem of a stale If-Match, with the order's current revision in the body and as the ETag. */
  const expectStaleRevisionProblem = async (response: Response, currentRevision: number) => {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('etag')).toBe(`W/"${currentRevision}"`);
    expect(await response.json()).toMatchObject({
      type: 'urn:lengow-sync:problem:stale-order-revision',
      status: 412,
      code: 'STALE_ORDER_REVISION',
      currentRevision,
    });
  };
  const ordersAskedOfLengow = () => engine().sandbox!.state.requestCountsJson()['GET /v3.0/orders']?.total ?? 0;

  /** What the import retry sweeper or a poll may record on the order meanwhile: the shop was unreachable. */
  const shopWasDown = (orderKey: OrderKey) => engine().app.get(CommandBus).execute(shopUnavailableFailure(orderKey));

  beforeAll(async () => {
    store = engine().app.get<EventStore>(EVENT_STORE);
    expect((await call('POST', '/api/orders/import', 'o1', {})).status).toBe(200);
    await mapUncoveredCountriesToLaPoste(engine, call);
    waiting = [];
    const { orders } = engine().sandbox!.state;
    for (let index = 0; index < orders.generatedCount; index++) {
      const { marketplace, marketplaceOrderId } = orders.skeletonOf(index);
      const key = { marketplace, marketplaceOrderId };
      const events = await store.readStream(orderStreamName(key));
      const failures = events.length === 1 ? (events[0].data.failures as { code: string }[] | undefined) : undefined;
      if (failures?.length === 1 && failures[0].code === 'NO_DEFAULT_CARRIER') waiting.push(key);
    }
    expect(waiting.length).toBeGreaterThanOrEqual(2);
  });

  it('answers a stale If-Match on every order command with 412 before sending the command', async () => {
    const [order] = waiting;
    const before = await eventsOf(order);
    const lengowAsked = ordersAskedOfLengow();
    const execute = jest.spyOn(engine().app.get(CommandBus), 'execute');
    try {
      for (const route of ['import', 'reimport', 'resynchronize', 'resend', 'retry-stock-decrement']) {
        const stale = await call('POST', `${path(order)}/${route}`, 'o1', {}, { 'if-match': 'W/"5"' });
        expect({ route, status: stale.status }).toEqual({ route, status: 412 });
        await expectStaleRevisionProblem(stale, 0);
      }
      // The door's own check refused them: no handler was asked, so neither Lengow nor the shop was.
      const sent = execute.mock.calls.map(([command]) => command);
      expect(sent.filter((command) => ORDER_COMMANDS.some((type) => command instanceof type))).toEqual([]);
    } finally {
      execute.mockRestore();
    }
    expect(ordersAskedOfLengow()).toBe(lengowAsked);
    expect(await eventsOf(order)).toEqual(before);
  });

  it('answers 412, appending nothing, when the order moves after the door’s check and before the re-import’s append', async () => {
    const order = waiting[1];
    const shop = engine().app.get<Shop>(SHOP);
    const findProducts = shop.findProducts.bind(shop);
    // The door and the importer have both found the revision current by the time the shop is asked for the products.
    const lookups = jest.spyOn(shop, 'findProducts').mockImplementationOnce(async (queries) => {
      await shopWasDown(order);
      return findProducts(queries);
    });
    let refused: Response;
    try {
      refused = await call('POST', `${path(order)}/reimport`, 'o1', {}, { 'if-match': 'W/"0"' });
      expect(lookups).toHaveBeenCalled();
    } finally {
      lookups.mockRestore();
    }
    expect(refused.status).toBe(412);
    await expectStaleRevisionProblem(refused, 1);
    const stream = orderStreamName(order);
    expect((await eventsOf(order)).slice(1)).toEqual([['OrderImportFailed', `shop-down:${stream}`]]);

    // On the revision the refusal named, the same re-import goes through.
    const retried = await call(
      'POST',
      `${path(order)}/reimport`,
      'o1',
      {},
      { 'if-match': refused.headers.get('etag')! },
    );
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ outcome: { kind: 'planned' }, events: ['OrderImportPlanned'] });
    expect(retried.headers.get('etag')).toBe('W/"2"');
  });
});
