import { apiCaller, useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';

describe('HTTP API: an import run that fails is not a 200', () => {
  // No retries: a fault fails the connector's call at once.
  const engine = useHttpEngine({ lengow: { retry: { maxAttempts: 1 } } });
  const call = apiCaller(engine);
  const faults = () => engine().sandbox!.faults;
  afterEach(() => faults().clear());

  it('answers 503 with the run report while Lengow is unavailable, and a retry with the same key runs again', async () => {
    faults().add({ kind: 'http_503', route: '/v3.0/orders', count: 1000 });
    const failed = await call('POST', '/api/orders/import', 'o1', {}, { 'idempotency-key': 'import-while-down' });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await failed.json()) as { code: string; status: number; run: { outcome: string } };
    expect(problem).toMatchObject({ code: 'LENGOW_UNAVAILABLE', status: 503, run: { outcome: 'failed' } });

    faults().clear();
    const retried = await call('POST', '/api/orders/import', 'o1', {}, { 'idempotency-key': 'import-while-down' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(((await retried.json()) as { outcome: string }).outcome).toBe('succeeded');
    // The success is the answer kept for that key.
    const replayed = await call('POST', '/api/orders/import', 'o1', {}, { 'idempotency-key': 'import-while-down' });
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 502 when Lengow refuses the engine', async () => {
    faults().add({ kind: 'unauthorized', count: 1000 });
    const refused = await call('POST', '/api/orders/import', 'o1', {});
    expect(refused.status).toBe(502);
    const problem = (await refused.json()) as { code: string; run: { outcome: string } };
    expect(problem.run.outcome).toBe('failed');
    expect(problem.code).toMatch(/^LENGOW_/);
  });
});
