import type { EventStore } from '../../src/event-store/event-store.port.js';
import { EVENT_STORE } from '../../src/event-store/event-store.port.js';
import type { ProjectionRunner } from '../../src/event-store/projections/projection-runner.js';
import { apiCaller, useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';
import { ORDERS_PROJECTION_RUNNER } from '../../src/orders/projections/orders-read.module.js';
import { checkPostgres, describeWithService } from '../support/services.js';

/** The `order-changed` messages of an SSE response up to one of `stream` (inclusive); null if it did not come in time. */
async function changesUntil(
  response: Response,
  stream: string,
  ms: number,
): Promise<{ id: string; stream: string }[] | null> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const seen: { id: string; stream: string }[] = [];
  let buffer = '';
  const deadline = Date.now() + ms;
  try {
    while (Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), Math.max(deadline - Date.now(), 0));
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk === null || chunk.done) return null;
      buffer += decoder.decode(chunk.value, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop()!;
      for (const block of blocks.filter((b) => b.includes('event: order-changed'))) {
        const id = /^id: (.*)$/m.exec(block)![1];
        const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]) as { stream: string };
        seen.push({ id, stream: data.stream });
        if (data.stream === stream) return seen;
      }
    }
    return null;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

describeWithService(await checkPostgres(), 'HTTP API on PostgreSQL', () => {
  const engine = useHttpEngine({ postgres: true });

  const call = apiCaller(engine);

  it('imports, lists, and replays an idempotent settings change from its table', async () => {
    expect((await call('POST', '/api/orders/import', 'o1', {})).status).toBe(200);
    await engine()
      .app.get<ProjectionRunner>(ORDERS_PROJECTION_RUNNER)
      .waitUntilCaughtUp(undefined, { timeoutMs: 20_000 });
    const counters = (await (await call('GET', '/api/orders/counters', 'v1')).json()) as { total: number };
    expect(counters.total).toBeGreaterThan(40);

    const body = { importWindowDays: 4 };
    const first = await call('PATCH', '/api/settings/import', 'a1', body, { 'idempotency-key': 'pg-1' });
    expect(first.status).toBe(200);
    const again = await call('PATCH', '/api/settings/import', 'a1', body, { 'idempotency-key': 'pg-1' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(await first.text());
  });

  it('starts SSE where the overview stands (the store reports no head), and resumes with Last-Event-ID', async () => {
    const store = engine().app.get<EventStore>(EVENT_STORE);
    const { position } = (await (await call('GET', '/api/orders?limit=1', 'v1')).json()) as { position: string };
    const response = await fetch(`${engine().url}/api/orders/events`, { headers: { 'x-api-key': 'v1' } });
    expect(response.status).toBe(200);
    const appended = await store.append('order-pgtest-1', [{ type: 'HttpSseProbe', data: {} }]);
    const changes = await changesUntil(response, 'order-pgtest-1', 10_000);
    expect(changes?.at(-1)).toEqual({ id: appended.position, stream: 'order-pgtest-1' });
    // History is not replayed to a new client: nothing at or before what the list already showed.
    expect(changes!.every((change) => change.id > position)).toBe(true);

    const second = await store.append('order-pgtest-1', [{ type: 'HttpSseProbe', data: {} }]);
    const resumed = await fetch(`${engine().url}/api/orders/events`, {
      headers: { 'x-api-key': 'v1', 'last-event-id': appended.position },
    });
    const after = await changesUntil(resumed, 'order-pgtest-1', 10_000);
    expect(after?.at(-1)).toEqual({ id: second.position, stream: 'order-pgtest-1' });
    expect(after!.every((change) => change.id > appended.position)).toBe(true);
  });
});
