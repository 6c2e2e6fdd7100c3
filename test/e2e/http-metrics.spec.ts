import { randomUUID } from 'node:crypto';
import { EventBusBridge } from '../../src/cqrs/event-bus-bridge.js';
import { useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[3] ?? '').split(',');
    if (wanted.every((label) => present.includes(label))) return Number(match[4]);
  }
  return undefined;
}

describe('HTTP API: /metrics', () => {
  const engine = useHttpEngine();

  const scrape = async () => {
    const response = await fetch(`${engine().url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('is open and exposes process metrics', async () => {
    const text = await scrape();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts HTTP requests by route pattern and status, router refusals included', async () => {
    await fetch(`${engine().url}/api/settings`, { headers: { 'x-api-key': 'v1' } });
    await fetch(`${engine().url}/api/settings`);
    await fetch(`${engine().url}/api/no-such-${randomUUID()}`);
    await fetch(`${engine().url}/api/orders/amazon_fr/%E0%A4%A`, { headers: { 'x-api-key': 'v1' } });
    const text = await scrape();
    const ok = { method: 'GET', route: '/api/settings', status: '200' };
    expect(sample(text, 'lengow_sync_http_requests_total', ok)).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'lengow_sync_http_requests_total', { ...ok, status: '401' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'lengow_sync_http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
    // Refused by the router before any route matched (not valid percent-encoding).
    expect(
      sample(text, 'lengow_sync_http_requests_total', { route: 'unmatched', status: '400' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'lengow_sync_http_request_duration_seconds_count', ok)).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/route="\/api\/no-such/);
  });

  it('times event store calls', async () => {
    await fetch(`${engine().url}/api/settings`, { headers: { 'x-api-key': 'v1' } });
    const text = await scrape();
    expect(
      sample(text, 'lengow_sync_event_store_operation_duration_seconds_count', {
        operation: 'readStream',
        result: 'ok',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts import outcomes from the events the bus delivers', async () => {
    const before = await scrape();
    expect(sample(before, 'lengow_sync_order_imports_total', { outcome: 'ignored' }) ?? 0).toBe(0);
    const run = await fetch(`${engine().url}/api/orders/import`, {
      method: 'POST',
      headers: { 'x-api-key': 'o1', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(run.status).toBe(200);
    await engine().app.get(EventBusBridge).waitUntilIdle(undefined, 20_000);
    const text = await scrape();
    const manifest = engine().sandbox!.manifest();
    expect(sample(text, 'lengow_sync_order_imports_total', { outcome: 'ignored' })).toBe(manifest.byOutcome.ignored);
    // Without default carriers every importable order fails here: planned + failed covers all the others.
    const planned = sample(text, 'lengow_sync_order_imports_total', { outcome: 'planned' }) ?? 0;
    const failed = sample(text, 'lengow_sync_order_imports_total', { outcome: 'failed' }) ?? 0;
    expect(planned + failed).toBe(manifest.byOutcome.created + manifest.byOutcome.failed);
    expect(
      sample(text, 'lengow_sync_event_store_operation_duration_seconds_count', { operation: 'append', result: 'ok' }),
    ).toBeGreaterThanOrEqual(planned + failed);
  });

  it('reports the order projection lag', async () => {
    const text = await scrape();
    expect(sample(text, 'lengow_sync_projection_lag_events', { projection: 'order-overview' })).toBeGreaterThanOrEqual(
      0,
    );
    expect(sample(text, 'lengow_sync_projection_running', { projection: 'order-overview' })).toBe(1);
  });
});
