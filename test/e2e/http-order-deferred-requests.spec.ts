import type { ProjectionRunner } from '../../src/event-store/projections/projection-runner.js';
import {
  apiCaller,
  mapUncoveredCountriesToLaPoste,
  useHttpEngine,
} from '../../src/http/testing/http-engine-fixture.js';
import { LENGOW_API, type LengowApi } from '../../src/lengow/lengow-api.port.js';
import { LengowUnavailable } from '../../src/lengow/lengow-errors.js';
import { ORDERS_PROJECTION_RUNNER } from '../../src/orders/projections/orders-read.module.js';
import { OrdersReactions } from '../../src/orders/sagas/orders-reactions.js';
import { eventually } from '../support/eventually.js';

interface Overview {
  marketplace: string;
  marketplaceOrderId: string;
  shopOrderIds: string[];
  lengowStatus: string | null;
}

interface WaitingRequest {
  stream: string;
  actionType: string;
  changeId: string;
  attempts: number;
  reason: string;
  firstDeferredAt: string;
  nextAttemptAt: string;
  hint: string;
}

interface OrderDetail {
  revision: number;
  timeline: { entries: { type: string }[] };
  deferredActionRequests: WaitingRequest[];
}

describe('HTTP API: the action requests an order waits on, on its own page', () => {
  // The engine's clock can be moved past a deferred request's backoff instead of waiting it out.
  let clockOffsetMs = 0;
  const engine = useHttpEngine({
    reactions: { shopFeedIntervalMs: 100, clock: () => new Date(Date.now() + clockOffsetMs) },
  });
  const call = apiCaller(engine);
  const orderPath = (o: Overview) => `/api/orders/${o.marketplace}/${encodeURIComponent(o.marketplaceOrderId)}`;
  const detailOf = async (o: Overview) => {
    const response = await call('GET', orderPath(o), 'v1');
    expect(response.status).toBe(200);
    return (await response.json()) as OrderDetail;
  };
  let order: Overview;

  beforeAll(async () => {
    expect((await call('POST', '/api/orders/import', 'o1', {})).status).toBe(200);
    await mapUncoveredCountriesToLaPoste(engine, call);
    expect((await call('POST', '/api/orders/import', 'o1', {})).status).toBe(200);
    const runner = engine().app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER);
    order = await eventually(async () => {
      await runner.waitUntilCaughtUp(undefined, { timeoutMs: 10_000 });
      const { items } = (await (await call('GET', '/api/orders?importState=imported&limit=500', 'v1')).json()) as {
        items: Overview[];
      };
      return items.find((o) => o.shopOrderIds.length === 1 && o.lengowStatus === 'waiting_shipment');
    }, 'an imported order waiting for shipment');
  });

  it('shows none on an order that waits on nothing', async () => {
    expect((await detailOf(order)).deferredActionRequests).toEqual([]);
  });

  it('shows a ship Lengow could not be asked for, with its reason, tries and hint, until it goes through', async () => {
    const lengow = engine().app.get<LengowApi>(LENGOW_API) as { getMarketplace: LengowApi['getMarketplace'] };
    lengow.getMarketplace = () =>
      Promise.reject(
        new LengowUnavailable('lengow marketplaces: HTTP 503 after 4 attempts', 'marketplaces', 'server_error', 4, 503),
      );
    let waiting: WaitingRequest;
    try {
      const shipped = await call('POST', `/api/shop-orders/${order.shopOrderIds[0]}/ship`, 'o1', {
        trackingNumber: '6A00000000042',
        carrier: 'La Poste',
      });
      expect(shipped.status).toBe(200);
      const detail = await eventually(async () => {
        const seen = await detailOf(order);
        return seen.deferredActionRequests.length > 0 ? seen : undefined;
      }, 'the ship request deferred on the order');
      [waiting] = detail.deferredActionRequests;
      expect(detail.deferredActionRequests).toEqual([
        {
          stream: `order-${order.marketplace}-${order.marketplaceOrderId}`,
          actionType: 'ship',
          changeId: expect.stringMatching(/^shop-change:\d+$/),
          attempts: 1,
          reason: 'lengow marketplaces: HTTP 503 after 4 attempts',
          firstDeferredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          nextAttemptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          correlationId: expect.any(String),
          actor: expect.any(String),
          hint: expect.stringContaining('Nothing to replay: the engine asks again by itself'),
        },
      ]);
      expect(Date.parse(waiting.nextAttemptAt) - Date.parse(waiting.firstDeferredAt)).toBe(30_000);
      // Nothing on the stream says it waits: the shop change is recorded, no action requested.
      const types = detail.timeline.entries.map((entry) => entry.type);
      expect(types).toContain('ShopOrderShipped');
      expect(types).not.toContain('ActionRequested');
      // The same row as the reactions list shows, without the other orders'.
      const reactions = (await (await call('GET', '/api/reactions', 'v1')).json()) as {
        deferredActionRequests: WaitingRequest[];
      };
      const { hint, ...listed } = waiting;
      expect(hint).toBeTruthy();
      expect(reactions.deferredActionRequests).toEqual([listed]);
    } finally {
      delete (lengow as Partial<typeof lengow>).getMarketplace;
    }

    // Lengow back and the backoff over: the next sweep requests the action, and the order no longer waits.
    clockOffsetMs = 60_000;
    // (The engine's own sweep, every 15 s, may get there first: either way the request goes through once.)
    await engine().app.get(OrdersReactions).retryActionRequests();
    const after = await eventually(async () => {
      const seen = await detailOf(order);
      return seen.timeline.entries.some((entry) => entry.type === 'ActionRequested') ? seen : undefined;
    }, 'the ship requested once Lengow answered');
    expect(after.deferredActionRequests).toEqual([]);
    expect(after.timeline.entries.filter((entry) => entry.type === 'ActionRequested')).toHaveLength(1);
  });
});
