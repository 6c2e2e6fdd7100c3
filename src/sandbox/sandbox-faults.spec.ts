import { startSandbox, type Sandbox } from './sandbox-server.js';

const ANCHOR = new Date('2025-03-10T12:00:00Z');
type Json = Record<string, unknown>;
type Envelope = { count: number; next: string | null; previous: string | null; results: Json[] };

async function tokenOf(sandbox: Sandbox): Promise<string> {
  const response = await fetch(`${sandbox.url}/access/get_token`, {
    method: 'POST',
    body: new URLSearchParams({ access_token: 'k', secret: 's' }),
  });
  return ((await response.json()) as { token: string }).token;
}

const addFault = async (sandbox: Sandbox, spec: unknown) => {
  const response = await fetch(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(spec),
  });
  return { status: response.status, body: (await response.json()) as Json };
};

describe('Lengow sandbox: fault injection', () => {
  let sandbox: Sandbox;
  let token: string;
  const get = (path: string, init: RequestInit = {}) =>
    fetch(path.startsWith('http') ? path : `${sandbox.url}${path}`, { ...init, headers: { Authorization: token } });

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 31, orderCount: 250, anchor: ANCHOR });
    token = await tokenOf(sandbox);
  });
  afterEach(() => sandbox.faults.clear());
  afterAll(() => sandbox.close());

  it('returns 429 with Retry-After for exactly the next 2 calls to the scoped route', async () => {
    expect(
      (await addFault(sandbox, { kind: 'http_429', route: '/v3.0/orders', count: 2, retryAfterSeconds: 7 })).status,
    ).toBe(201);
    const marketplaces = await get('/v3.0/marketplaces?account_id=4242');
    expect(marketplaces.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const limited = await get('/v3.0/orders?account_id=4242');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(await limited.json()).toEqual({
        error: { code: 429, message: 'Request limitation: 500 reached on /v3.0/orders' },
      });
    }
    expect((await get('/v3.0/orders?account_id=4242')).status).toBe(200);
  });

  it('returns 500 in the envelope, and 503 as a bare HTML page, scoped by method and route prefix', async () => {
    sandbox.faults.add({ kind: 'http_500', route: '/v3.0/orders/actions*', method: 'GET', count: 1 });
    sandbox.faults.add({ kind: 'http_503', route: '/v3.0/*', count: 1 });
    const failed = await get('/v3.0/orders/actions/?account_id=4242');
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: { message: 'Internal server error', code: 500 } });
    const unavailable = await get('/v3.0/marketplaces?account_id=4242');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toMatch(/text\/html/);
    expect(await unavailable.text()).toContain('503 Service Unavailable');
    expect((await get('/v3.0/orders/actions/?account_id=4242')).status).toBe(200);
    expect((await get('/v3.0/marketplaces?account_id=4242')).status).toBe(200);
  });

  it('answers 401 as if the token expired, once, then accepts the same token again', async () => {
    sandbox.faults.add({ kind: 'unauthorized', count: 1 });
    const refused = await get('/v3.0/orders?account_id=4242');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { message: 'Token has expired', code: 401 } });
    expect((await get('/v3.0/orders?account_id=4242')).status).toBe(200);
  });

  it('holds a response past the client timeout, then serves normally', async () => {
    sandbox.faults.add({ kind: 'slow', route: '/v3.0/orders', delayMs: 1500, count: 1 });
    await expect(
      fetch(`${sandbox.url}/v3.0/orders?account_id=4242`, {
        headers: { Authorization: token },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow(/timeout|aborted/i);
    expect((await get('/v3.0/orders?account_id=4242')).status).toBe(200);
  });

  it('cuts a JSON body short once', async () => {
    sandbox.faults.add({ kind: 'malformed_json', route: '/v3.0/orders', count: 1 });
    const broken = await get('/v3.0/orders?account_id=4242&page_size=3');
    expect(broken.status).toBe(200);
    const text = await broken.text();
    expect(text.startsWith('{"count":250')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect((await (await get('/v3.0/orders?account_id=4242&page_size=3')).json()) as Envelope).toMatchObject({
      count: 250,
    });
  });

  it('repeats the last order of a page at the top of the next one, losing none', async () => {
    sandbox.faults.add({ kind: 'duplicate_across_pages', count: 1 });
    const pages: Envelope[] = [];
    let url: string | null = '/v3.0/orders?account_id=4242&page_size=40';
    while (url) {
      const page = (await (await get(url)).json()) as Envelope;
      pages.push(page);
      url = page.next;
    }
    const keys = pages.flatMap((p) =>
      p.results.map((o) => `${String(o.marketplace)}|${String(o.marketplace_order_id)}`),
    );
    expect(keys).toHaveLength(251);
    expect(new Set(keys).size).toBe(250);
    const page1Keys = pages[0].results.map((o) => String(o.marketplace_order_id));
    expect(String(pages[1].results[0].marketplace_order_id)).toBe(page1Keys[page1Keys.length - 1]);
    expect(pages[0].count).toBe(250);
    expect(pages[1].count).toBe(251);
    expect(pages[pages.length - 1].next).toBeNull();
    // Page 1 read by another reader (another page size, or none) does not end this session.
    sandbox.faults.add({ kind: 'duplicate_across_pages', count: 1 });
    expect(((await (await get('/v3.0/orders?account_id=4242&page_size=40')).json()) as Envelope).count).toBe(250);
    expect(((await (await get('/v3.0/orders?account_id=4242&page_size=40&page=2')).json()) as Envelope).count).toBe(
      251,
    );
    await get('/v3.0/orders?account_id=4242');
    await get('/v3.0/orders?account_id=4242&page_size=20');
    expect(((await (await get('/v3.0/orders?account_id=4242&page_size=40&page=3')).json()) as Envelope).count).toBe(
      251,
    );
    // A new paging session from page 1 is clean again.
    const again = (await (await get('/v3.0/orders?account_id=4242&page_size=40&page=2')).json()) as Envelope;
    expect(again.count).toBe(251);
    await get('/v3.0/orders?account_id=4242&page_size=40');
    expect(((await (await get('/v3.0/orders?account_id=4242&page_size=40&page=2')).json()) as Envelope).count).toBe(
      250,
    );
  });

  it('remembers a bounded number of shifted paging sessions, forgetting the oldest first', async () => {
    const bounded = await startSandbox({ seed: 31, orderCount: 250, anchor: ANCHOR, maxShiftedPagings: 3 });
    try {
      const auth = { headers: { Authorization: await tokenOf(bounded) } };
      const count = async (path: string) =>
        ((await (await fetch(`${bounded.url}${path}`, auth)).json()) as Envelope).count;
      bounded.faults.add({ kind: 'duplicate_across_pages', count: 4 });
      // Each window's query is a session of its own; none of their readers comes back to page 1.
      const session = (n: number) =>
        `/v3.0/orders?account_id=4242&page_size=40&updated_from=${new Date(Date.UTC(2020, 0, 1, 0, n)).toISOString()}`;
      for (let n = 0; n < 4; n++) expect(await count(`${session(n)}&page=2`)).toBe(251);
      expect(await count(`${session(3)}&page=3`)).toBe(251);
      expect(await count(`${session(1)}&page=3`)).toBe(251);
      expect(await count(`${session(0)}&page=3`)).toBe(250);
    } finally {
      await bounded.close();
    }
  });

  it("changes an order's delivery ids on each of the next calls, then keeps the last ones", async () => {
    const first = ((await (await get('/v3.0/orders?account_id=4242&page_size=2')).json()) as Envelope).results;
    const [target, other] = first;
    sandbox.faults.add({
      kind: 'changing_delivery_id',
      marketplace: String(target.marketplace),
      marketplaceOrderId: String(target.marketplace_order_id),
      count: 2,
    });
    const deliveryIds = async (order: Json) => {
      const query = new URLSearchParams({
        account_id: '4242',
        marketplace: String(order.marketplace),
        marketplace_order_id: String(order.marketplace_order_id),
      });
      const [found] = ((await (await get(`/v3.0/orders?${query}`)).json()) as Envelope).results;
      return (found.packages as { delivery: { id: number } }[]).map((p) => p.delivery.id);
    };
    const original = (target.packages as { delivery: { id: number } }[]).map((p) => p.delivery.id);
    const second = await deliveryIds(target);
    const third = await deliveryIds(target);
    const fourth = await deliveryIds(target);
    expect(second).not.toEqual(original);
    expect(third).not.toEqual(second);
    expect(fourth).toEqual(third);
    expect(await deliveryIds(other)).toEqual(
      (other.packages as { delivery: { id: number } }[]).map((p) => p.delivery.id),
    );
    // The stored order itself is untouched.
    expect(
      (
        sandbox.state.orders.find(String(target.marketplace), String(target.marketplace_order_id))!.order.packages as {
          delivery: { id: number };
        }[]
      )[0].delivery.id,
    ).toBe(original[0]);
  });

  it('validates fault specs and lists, removes and clears them through the admin API', async () => {
    expect(await addFault(sandbox, { kind: 'meteor' })).toMatchObject({ status: 400, body: { error: { code: 400 } } });
    expect((await addFault(sandbox, { kind: 'http_500', count: 0 })).body).toEqual({
      error: { message: 'count must be a positive integer', code: 400 },
    });
    expect((await addFault(sandbox, { kind: 'slow' })).body).toEqual({
      error: { message: 'a slow fault needs delayMs', code: 400 },
    });
    const added = await addFault(sandbox, [
      { kind: 'http_500', route: '/v3.0/orders', count: 3 },
      { kind: 'http_503', probability: 0.25 },
    ]);
    expect(added.status).toBe(201);
    const listed = (await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()) as {
      id: number;
      remaining: number | null;
    }[];
    expect(listed.map((f) => f.remaining)).toEqual([3, null]);
    expect((await fetch(`${sandbox.url}/_sandbox/faults/${listed[0].id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${sandbox.url}/_sandbox/faults/${listed[0].id}`, { method: 'DELETE' })).status).toBe(404);
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    expect(await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()).toEqual([]);
  });
});

describe('Lengow sandbox: fault determinism and shutdown', () => {
  it('draws probabilistic faults from the seed: the same seed gives the same sequence', async () => {
    const run = async () => {
      const sandbox = await startSandbox({ seed: 99, orderCount: 5, anchor: ANCHOR });
      try {
        const token = await tokenOf(sandbox);
        sandbox.faults.add({ kind: 'http_500', route: '/v3.0/orders', probability: 0.5 });
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++)
          statuses.push(
            (await fetch(`${sandbox.url}/v3.0/orders?account_id=4242`, { headers: { Authorization: token } })).status,
          );
        return statuses;
      } finally {
        await sandbox.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 500]));
  });

  it('closes promptly while a slow response is still held back', async () => {
    const sandbox = await startSandbox({ orderCount: 1 });
    const token = await tokenOf(sandbox);
    sandbox.faults.add({ kind: 'slow', delayMs: 120_000 });
    const pending = fetch(`${sandbox.url}/v3.0/orders?account_id=4242`, { headers: { Authorization: token } }).then(
      (r) => r.status,
      () => 'closed',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sandbox.close();
    expect(['closed', 200]).toContain(await pending);
  });
});
