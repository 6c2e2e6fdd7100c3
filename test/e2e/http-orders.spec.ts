import type { ProjectionRunner } from '../../src/event-store/projections/projection-runner.js';
import { keyIdOf } from '../../src/http/api-key-authenticator.js';
import { apiCaller, useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';
import { ORDERS_PROJECTION_RUNNER } from '../../src/orders/projections/orders-read.module.js';
import { SHOP, type Shop } from '../../src/shop/shop.port.js';

interface Overview {
  stream: string;
  marketplace: string;
  marketplaceOrderId: string;
  importState: string;
  streamRevision: number;
}
interface Page {
  items: Overview[];
  nextCursor: string | null;
  position: string | null;
}

describe('HTTP API: orders', () => {
  const engine = useHttpEngine();
  type Report = {
    outcome: string;
    counts: { received: number; planned: number; failedOrders: number; failed: Record<string, number> };
  };
  let firstReport: Report;
  let report: Report;

  const call = apiCaller(engine);
  const json = async <T>(response: Response, status = 200): Promise<T> => {
    const text = await response.text();
    if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const caughtUp = () =>
    engine().app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER).waitUntilCaughtUp(undefined, { timeoutMs: 20_000 });
  const path = (o: Overview) => `/api/orders/${o.marketplace}/${encodeURIComponent(o.marketplaceOrderId)}`;
  const listAll = async (query: string): Promise<Overview[]> => {
    const all: Overview[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page: Page = await json<Page>(await call('GET', `/api/orders?${query}${suffix}`, 'v1'));
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return all;
  };

  beforeAll(async () => {
    // As an operator would: import, see orders fail for want of default carriers, map them, import again.
    firstReport = await json(await call('POST', '/api/orders/import', 'o1', {}));
    const carrier = await engine()
      .app.get<Shop>(SHOP)
      .addCarrier({ name: 'La Poste', trackingUrl: 'https://laposte.example/@' });
    const settings = await json<{ marketplaces: { marketplace: string; uncoveredCountries: string[] }[] }>(
      await call('GET', '/api/settings', 'v1'),
    );
    for (const { marketplace, uncoveredCountries } of settings.marketplaces) {
      for (const country of uncoveredCountries) {
        await json(
          await call('PUT', '/api/settings/default-carriers', 'a1', {
            marketplace,
            country,
            importCarrier: { id: String(carrier.id), name: carrier.name },
          }),
        );
      }
    }
    report = await json(await call('POST', '/api/orders/import', 'o1', {}));
    await caughtUp();
  });

  it('runs an import window for an operator, and refuses it to a viewer', async () => {
    const manifest = engine().sandbox!.manifest();
    expect(firstReport.outcome).toBe('succeeded');
    expect(firstReport.counts.failed.NO_DEFAULT_CARRIER).toBeGreaterThan(0);
    expect(report.outcome).toBe('succeeded');
    expect(report.counts.received).toBe(50);
    // The boot maps carriers for most emulator marketplaces: their orders were planned by the first run already.
    expect(firstReport.counts.planned + report.counts.planned).toBe(manifest.byOutcome.created);
    expect(report.counts.failedOrders).toBe(manifest.byOutcome.failed);
    expect((await call('POST', '/api/orders/import', 'v1', {})).status).toBe(403);
  });

  it('validates the import window like every command', async () => {
    const unknown = await call('POST', '/api/orders/import', 'o1', { dayz: 2 });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ errors: [{ field: 'dayz', message: 'dayz is not a known field' }] });
    const both = await call('POST', '/api/orders/import', 'o1', { days: 2, from: '2025-01-01T00:00:00Z' });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'days', message: 'days cannot be combined with from or to' }],
    });
    const reversed = await call('POST', '/api/orders/import', 'o1', {
      from: '2026-11-27T00:00:00Z',
      to: '2026-11-20T00:00:00Z',
    });
    expect(await reversed.json()).toMatchObject({ errors: [{ field: 'from', message: 'from must be before to' }] });
  });

  it('pages through every order with a cursor, without repeats, matching the counters', async () => {
    const all = await listAll('limit=7&sort=marketplace_order_id');
    expect(new Set(all.map((o) => o.stream)).size).toBe(all.length);
    const counters = await json<{ total: number; importState: Record<string, number> }>(
      await call('GET', '/api/orders/counters', 'v1'),
    );
    expect(all.length).toBe(counters.total);
    const manifest = engine().sandbox!.manifest();
    expect(counters.importState.not_imported).toBe(manifest.byOutcome.failed);
    expect(counters.importState.ignored).toBe(manifest.byOutcome.ignored);
    const sorted = all.map((o) => o.marketplaceOrderId);
    expect(sorted).toEqual([...sorted].sort());
  });

  it('filters by import state and marketplace (comma-separated or repeated), and searches', async () => {
    const failed = await listAll('importState=not_imported');
    expect(failed.length).toBe(engine().sandbox!.manifest().byOutcome.failed);
    expect(failed.every((o) => o.importState === 'not_imported')).toBe(true);
    const both = await listAll('importState=not_imported,ignored');
    const repeated = await listAll('importState=not_imported&importState=ignored');
    expect(repeated.map((o) => o.stream)).toEqual(both.map((o) => o.stream));
    const [sample] = await listAll('limit=1');
    const byMarketplace = await listAll(`marketplace=${sample.marketplace}`);
    expect(byMarketplace.every((o) => o.marketplace === sample.marketplace)).toBe(true);
    const found = await listAll(`search=${encodeURIComponent(sample.marketplaceOrderId)}`);
    expect(found.map((o) => o.stream)).toContain(sample.stream);
  });

  it('reports the position the list reflects, and refuses bad list parameters by name', async () => {
    const page = await json<Page>(await call('GET', '/api/orders?limit=1', 'v1'));
    expect(typeof page.position).toBe('string');
    const badState = await call('GET', '/api/orders?importState=lost', 'v1');
    expect(badState.status).toBe(400);
    expect(await badState.json()).toMatchObject({ errors: [{ field: 'query.importState' }] });
    // A stock failure code the engine does not record: refused by name with the codes it does, never an empty list.
    for (const url of [
      '/api/orders?stockFailureCode=OUT_OF_STOCK',
      '/api/orders/counters?stockFailureCode=PRODUCT_NOT_IN_SHOP,nope',
    ]) {
      const badCode = await call('GET', url, 'v1');
      expect(badCode.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await json(badCode, 400)).toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [
          {
            field: 'query.stockFailureCode',
            message: 'stockFailureCode: must be one of STOCK_SHORTFALL, PRODUCT_NOT_IN_SHOP',
          },
        ],
      });
    }
    const badLimit = await call('GET', '/api/orders?limit=9000', 'v1');
    expect((await json<{ errors: { field: string }[] }>(badLimit, 400)).errors[0].field).toBe('query.limit');
    // Several bad parameters: all of them in one answer, so a client fixes its query in one round.
    const several = await call('GET', '/api/orders?limit=0&sort=customer&orderDateFrom=yesterday', 'v1');
    const fields = (await json<{ errors: { field: string }[] }>(several, 400)).errors.map((e) => e.field);
    expect(fields).toEqual(['query.sort', 'query.limit', 'query.orderDateFrom']);
    const unknown = await call('GET', '/api/orders?colour=red', 'v1');
    expect((await json<{ errors: { field: string }[] }>(unknown, 400)).errors[0].field).toBe('query.colour');
    const cursor = await call('GET', '/api/orders?cursor=garbage', 'v1');
    expect(cursor.status).toBe(400);
  });

  it('shows one order with its timeline and its revision as ETag; 404 for an unknown one', async () => {
    const [order] = await listAll('importState=not_imported&limit=1');
    const response = await call('GET', path(order), 'v1');
    const detail = await json<{
      overview: Overview;
      revision: number;
      timeline: { entries: { type: string; actor: string }[] };
    }>(response);
    expect(response.headers.get('etag')).toBe(`W/"${detail.revision}"`);
    expect(detail.overview.stream).toBe(order.stream);
    expect(detail.timeline.entries[0]).toMatchObject({ type: 'OrderImportFailed', actor: `api-key:${keyIdOf('o1')}` });
    const missing = await call('GET', '/api/orders/amazon_fr/no-such-order', 'v1');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('answers the state at a revision or an instant, and replays the order', async () => {
    const [order] = await listAll('importState=not_imported&limit=1');
    const atStart = await json<{ revision: number; laterEvents: number }>(
      await call('GET', `${path(order)}/state?revision=-1`, 'v1'),
    );
    expect(atStart).toMatchObject({ revision: -1 });
    expect(atStart.laterEvents).toBeGreaterThan(0);
    const now = await json<{ revision: number }>(
      await call('GET', `${path(order)}/state?at=${new Date().toISOString()}`, 'v1'),
    );
    expect(now.revision).toBe(order.streamRevision);
    const replay = await json<{ steps: { event: { revision: number } }[] }>(
      await call('GET', `${path(order)}/replay`, 'v1'),
    );
    expect(replay.steps.map((s) => s.event.revision)).toEqual(
      Array.from({ length: order.streamRevision + 1 }, (_, i) => i),
    );
    const both = await call('GET', `${path(order)}/state?revision=0&at=2025-01-01T00:00:00Z`, 'v1');
    expect(both.status).toBe(400);
  });

  it('re-imports with If-Match: 412 when stale, 200 with the new revision as ETag when current', async () => {
    const [order] = await listAll('importState=not_imported&limit=1');
    const current = (await call('GET', path(order), 'v1')).headers.get('etag')!;
    const revision = Number(/\d+/.exec(current)![0]);
    const stale = await call('POST', `${path(order)}/reimport`, 'o1', {}, { 'if-match': `W/"${revision + 5}"` });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe(current);
    expect(await stale.json()).toMatchObject({ code: 'STALE_ORDER_REVISION', currentRevision: revision });
    const fresh = await call('POST', `${path(order)}/reimport`, 'o1', {}, { 'if-match': current });
    const body = await json<{ commandId: string; orderKey: { marketplace: string }; outcome: { kind: string } }>(fresh);
    expect(body.orderKey.marketplace).toBe(order.marketplace);
    expect(fresh.headers.get('etag')).toMatch(/^W\/"\d+"$/);
  });

  it('refuses a body that contradicts the URL, and maps domain refusals to 409 / 404', async () => {
    const [order] = await listAll('importState=not_imported&limit=1');
    const contradiction = await call('POST', `${path(order)}/reimport`, 'o1', { marketplace: 'other_mp' });
    expect(contradiction.status).toBe(400);
    expect(await contradiction.json()).toMatchObject({ errors: [{ field: 'marketplace' }] });
    const notImported = await call('POST', `${path(order)}/resynchronize`, 'o1');
    expect(notImported.status).toBe(409);
    expect(await notImported.json()).toMatchObject({ code: 'ORDER_NOT_IMPORTED' });
    const unknown = await call('POST', '/api/orders/amazon_fr/never-seen/reimport', 'o1');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });
});
