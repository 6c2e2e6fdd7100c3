import type { ProjectionRunner } from '../../src/event-store/projections/projection-runner.js';
import { apiCaller, useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';
import { ORDERS_PROJECTION_RUNNER } from '../../src/orders/projections/orders-read.module.js';
import { OrdersReactions } from '../../src/orders/sagas/orders-reactions.js';

describe('HTTP API: read-model maintenance', () => {
  const engine = useHttpEngine();

  const call = apiCaller(engine);

  beforeAll(async () => {
    expect((await call('POST', '/api/orders/import', 'o1', {})).status).toBe(200);
    // The import's sagas (shop orders, stock) go on after the request: the tests compare the overview before and after
    // a rebuild, so it must have stopped moving first.
    await engine().app.get(OrdersReactions).waitUntilIdle(20_000);
    await engine()
      .app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER)
      .waitUntilCaughtUp(undefined, { timeoutMs: 20_000 });
  });

  it('shows every read model to a viewer', async () => {
    const response = await call('GET', '/api/projections', 'v1');
    expect(response.status).toBe(200);
    const status = (await response.json()) as { name: string; state: string; caughtUp: boolean }[];
    expect(status).toEqual([expect.objectContaining({ name: 'order-overview', state: 'running' })]);
  });

  it('keeps rebuild and verify for admins: 403 for viewer and operator', async () => {
    for (const key of ['v1', 'o1']) {
      expect((await call('POST', '/api/projections/order-overview/rebuild', key)).status).toBe(403);
      expect((await call('POST', '/api/projections/order-overview/verify', key)).status).toBe(403);
    }
  });

  it('verifies the overview against the streams: no drift after an import', async () => {
    const response = await call('POST', '/api/projections/order-overview/verify', 'a1', { maxDifferences: 10 });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { checked: number; drifted: number; differences: unknown[] };
    expect(report.checked).toBe(50);
    expect(report).toMatchObject({ drifted: 0, differences: [] });
  });

  it('rebuilds the overview beside the live one and switches, same list afterwards', async () => {
    const before = await (await call('GET', '/api/orders/counters', 'v1')).json();
    const response = await call('POST', '/api/projections/order-overview/rebuild', 'a1');
    expect(response.status).toBe(200);
    const result = (await response.json()) as { projection: string; generation: number; processed: number };
    expect(result.projection).toBe('order-overview');
    expect(result.generation).toBeGreaterThan(1);
    expect(result.processed).toBeGreaterThan(50);
    expect(await (await call('GET', '/api/orders/counters', 'v1')).json()).toEqual(before);
  });

  it('answers 404 for an unknown projection and 400 for a bad verify payload', async () => {
    const unknown = await call('POST', '/api/projections/nope/rebuild', 'a1');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'UNKNOWN_PROJECTION' });
    const bad = await call('POST', '/api/projections/order-overview/verify', 'a1', { maxDifferences: 'all' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      errors: [{ field: 'maxDifferences', message: 'maxDifferences must be a whole number' }],
    });
  });
});
