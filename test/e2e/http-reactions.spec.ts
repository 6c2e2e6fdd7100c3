import { apiCaller, useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';
import { EMULATOR_MARKETPLACE, emulatorOrder } from '../../src/orders/integration/testing/emulator-order.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';
import { eventually } from '../support/eventually.js';

interface ParkedEventRow {
  consumer: string;
  eventId: string;
  stream: string;
  type: string;
  reason: string;
  attempts: number;
  parkedAt: string;
}

interface Waiting {
  counts: Record<string, number>;
  parkedEvents: ParkedEventRow[];
  parkedShopChanges: unknown[];
  deferredActionRequests: unknown[];
  replayableConsumers: string[];
}

/** The value of `lengow_sync_reactions_waiting{kind}` in a scrape, or undefined when the sample is absent. */
function waitingSample(text: string, kind: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`lengow_sync_reactions_waiting{kind="${kind}"} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('HTTP API: reactions waiting for an operator', () => {
  // Two quick attempts: the stock saga parks its event within a second instead of after the default backoff.
  const engine = useHttpEngine({
    app: { reactors: { pollIntervalMs: 20, retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 } } },
  });
  const call = apiCaller(engine);
  const order = { marketplace: EMULATOR_MARKETPLACE, marketplaceOrderId: 'PARK-1' };
  const orderPath = `/api/orders/${order.marketplace}/${order.marketplaceOrderId}`;
  const stockSaga = 'saga:ShopOrderSagas';
  const replayPath = (consumer: string) => `/api/reactions/parked-events/${encodeURIComponent(consumer)}/replay`;

  const waiting = async (): Promise<Waiting> => {
    const response = await call('GET', '/api/reactions', 'v1');
    expect(response.status).toBe(200);
    return (await response.json()) as Waiting;
  };
  const scrape = async () => (await fetch(`${engine().url}/metrics`)).text();

  it('lists nothing and counts zero on a fresh engine, naming the consumers it can replay', async () => {
    const nothing = await waiting();
    expect(nothing).toMatchObject({
      counts: { parked_event: 0, parked_shop_change: 0, deferred_action_request: 0 },
      parkedEvents: [],
      parkedShopChanges: [],
      deferredActionRequests: [],
    });
    expect(nothing.replayableConsumers).toEqual(
      expect.arrayContaining([stockSaga, 'event-bus', 'orders-follow-up-index']),
    );
    const text = await scrape();
    expect(waitingSample(text, 'parked_event')).toBe(0);
    expect(waitingSample(text, 'parked_shop_change')).toBe(0);
    expect(waitingSample(text, 'deferred_action_request')).toBe(0);
    expect(text).toMatch(/# HELP lengow_sync_reactions_waiting .*parked_event/);
  });

  it('refuses unknown consumers, events and shop changes with a 404 problem, and viewers with a 403', async () => {
    const unknown = await call('POST', replayPath('saga:NoSuchSaga'), 'o1', {});
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await unknown.json()).toMatchObject({
      status: 404,
      code: 'UNKNOWN_REACTION_CONSUMER',
      detail: expect.stringMatching(/^no consumer saga:NoSuchSaga runs in this engine \(known: .*saga:ShopOrderSagas/),
    });

    const noEvent = await call('POST', replayPath(stockSaga), 'o1', { eventId: 'not-parked' });
    expect(noEvent.status).toBe(404);
    expect(await noEvent.json()).toMatchObject({
      code: 'PARKED_EVENT_NOT_FOUND',
      detail: `no event not-parked is parked for ${stockSaga}`,
    });

    const noChange = await call('POST', '/api/reactions/parked-shop-changes/replay', 'o1', { changeId: 999 });
    expect(noChange.status).toBe(404);
    expect(await noChange.json()).toMatchObject({
      code: 'PARKED_SHOP_CHANGE_NOT_FOUND',
      detail: 'no shop change 999 is parked',
    });

    const invalid = await call('POST', replayPath(stockSaga), 'o1', { eventId: 5, extra: true });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'VALIDATION_FAILED' });

    expect((await call('POST', replayPath(stockSaga), 'v1', {})).status).toBe(403);
    expect((await call('POST', '/api/reactions/parked-shop-changes/replay', 'v1', {})).status).toBe(403);
    expect((await call('GET', '/api/reactions')).status).toBe(200);
    expect((await fetch(`${engine().url}/api/reactions`)).status).toBe(401);

    const none = await call('POST', '/api/reactions/parked-shop-changes/replay', 'o1', {});
    expect(none.status).toBe(200);
    expect(await none.json()).toMatchObject({ outcomes: [], stillParked: 0 });
  });

  it('parks the stock decrement while the shop fails, lists and counts it, and replays it once the shop is back', async () => {
    const shop = engine().app.get<Shop>(SHOP);
    const carrier = await shop.addCarrier({ name: 'La Poste', trackingUrl: 'https://laposte.example/@' });
    const mapped = await call('PUT', '/api/settings/default-carriers', 'a1', {
      marketplace: EMULATOR_MARKETPLACE,
      country: 'FR',
      importCarrier: { id: String(carrier.id), name: carrier.name },
    });
    expect(mapped.status).toBe(200);
    await shop.upsertProduct({ id: '990201', name: 'Parked mug', stock: 5, priceCents: 1995 });
    engine().sandbox!.state.orders.add(
      emulatorOrder({
        marketplaceOrderId: order.marketplaceOrderId,
        packages: [[{ lineId: 'PARK-1-1', product: '990201', quantity: 2, amount: 39.9 }]],
      }),
      Date.now(),
    );

    // The shop's stock service down: an error the stock saga cannot record on the order, so it retries, then parks.
    const broken = shop as { decrementStock: Shop['decrementStock'] };
    broken.decrementStock = () => Promise.reject(new Error('stock service down'));
    try {
      const imported = await call('POST', `${orderPath}/import`, 'o1', {});
      expect(await imported.json()).toMatchObject({ outcome: { kind: 'planned' } });

      const parked = await eventually(async () => {
        const list = await waiting();
        return list.parkedEvents.length > 0 ? list : undefined;
      }, 'the stock saga to park the event');
      expect(parked.counts.parked_event).toBe(1);
      expect(parked.parkedEvents).toEqual([
        expect.objectContaining({
          consumer: stockSaga,
          stream: `order-${order.marketplace}-${order.marketplaceOrderId}`,
          reason: expect.stringContaining('stock service down'),
          attempts: 2,
        }),
      ]);
      expect(waitingSample(await scrape(), 'parked_event')).toBe(1);

      // Replayed before the cause is fixed: it fails again and stays parked, with one more attempt counted.
      const early = await call('POST', replayPath(stockSaga), 'o1', {});
      expect(early.status).toBe(200);
      const eventId = parked.parkedEvents[0].eventId;
      expect(await early.json()).toMatchObject({
        consumer: stockSaga,
        outcomes: [{ eventId, outcome: 'failed', reason: expect.stringContaining('stock service down') }],
        stillParked: 1,
      });
      expect((await waiting()).parkedEvents[0].attempts).toBe(3);
    } finally {
      delete (broken as Partial<typeof broken>).decrementStock;
    }

    const eventId = (await waiting()).parkedEvents[0].eventId;
    const replay = () => call('POST', replayPath(stockSaga), 'o1', { eventId }, { 'idempotency-key': 'replay-park-1' });
    const replayed = await replay();
    expect(replayed.status).toBe(200);
    const answer = await replayed.text();
    expect(JSON.parse(answer)).toMatchObject({
      consumer: stockSaga,
      outcomes: [{ eventId, outcome: 'handled' }],
      stillParked: 0,
    });
    // The same key answers the same, without handing the event to the saga again.
    const again = await replay();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(answer);

    expect(await waiting()).toMatchObject({ counts: { parked_event: 0 }, parkedEvents: [] });
    expect(waitingSample(await scrape(), 'parked_event')).toBe(0);
    const done = await eventually(async () => {
      const seen = (await (await call('GET', orderPath, 'v1')).json()) as {
        overview: { stockState: string } | null;
      };
      return seen.overview?.stockState === 'done' ? seen : undefined;
    }, 'the stock taken once the parked event was replayed');
    expect(done.overview!.stockState).toBe('done');
    expect((await shop.getProduct('990201'))!.stock).toBe(3);
  });
});
