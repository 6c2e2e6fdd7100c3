import { createLogger } from '../logging/logger.js';
import { IMPORT_CASE_NAMES, importCaseManifest } from './import-cases.js';
import { startSandbox, type Sandbox } from './sandbox-server.js';

const ANCHOR = new Date('2025-03-10T12:00:00Z');

async function tokenOf(sandbox: Sandbox, accessToken = 'key', secret = 'secret'): Promise<string> {
  const response = await fetch(`${sandbox.url}/access/get_token`, {
    method: 'POST',
    body: new URLSearchParams({ access_token: accessToken, secret }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token: string; account_id: number };
  expect(body.account_id).toBe(sandbox.accountId);
  return body.token;
}

type Envelope = { count: number; next: string | null; previous: string | null; results: Record<string, unknown>[] };

async function getJson<T = Envelope>(
  sandbox: Sandbox,
  token: string,
  pathAndQuery: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(pathAndQuery.startsWith('http') ? pathAndQuery : `${sandbox.url}${pathAndQuery}`, {
    headers: { Authorization: token },
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function pageThrough(
  sandbox: Sandbox,
  token: string,
  firstUrl: string,
): Promise<{ pages: Envelope[]; orders: Record<string, unknown>[] }> {
  const pages: Envelope[] = [];
  let url: string | null = firstUrl;
  while (url) {
    const { status, body }: { status: number; body: Envelope } = await getJson(sandbox, token, url);
    expect(status).toBe(200);
    pages.push(body);
    url = body.next;
    if (pages.length > 5000) throw new Error('paging does not end');
  }
  return { pages, orders: pages.flatMap((p) => p.results) };
}

const keyOf = (o: Record<string, unknown>) => `${String(o.marketplace)}|${String(o.marketplace_order_id)}`;

describe('Lengow sandbox: token and authorisation', () => {
  let clock = ANCHOR.getTime();
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      orderCount: 20,
      anchor: ANCHOR,
      now: () => new Date(clock),
      tokenLifetimeSeconds: 60,
      accessToken: 'key',
      secret: 'secret',
    });
  });
  afterAll(() => sandbox.close());

  it('issues a token for the pinned pair only, from a form body', async () => {
    const token = await tokenOf(sandbox);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    const wrong = await fetch(`${sandbox.url}/access/get_token`, {
      method: 'POST',
      body: new URLSearchParams({ access_token: 'key', secret: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { message: 'Invalid access_token or secret', code: 401 } });
    const missing = await fetch(`${sandbox.url}/access/get_token`, {
      method: 'POST',
      body: new URLSearchParams({ access_token: 'key' }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe('secret is required');
    const json = await fetch(`${sandbox.url}/access/get_token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ access_token: 'key', secret: 'secret' }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { message: string } }).error.message).toMatch(/x-www-form-urlencoded/);
  });

  it('checks the raw Authorization header and account_id on every authorised route', async () => {
    const token = await tokenOf(sandbox);
    const cases: [Record<string, string>, string, number, RegExp][] = [
      [{}, '/v3.0/orders?account_id=4242', 401, /missing/],
      [{ Authorization: `Bearer ${token}` }, '/v3.0/orders?account_id=4242', 401, /Bearer/],
      [{ Authorization: 'not-a-token' }, '/v3.0/marketplaces?account_id=4242', 401, /Invalid token/],
      [{ Authorization: token }, '/v3.0/orders', 403, /account_id is required/],
      [{ Authorization: token }, '/v3.0/orders/actions/?account_id=1', 403, /does not match/],
    ];
    for (const [headers, path, status, message] of cases) {
      const response = await fetch(`${sandbox.url}${path}`, { headers });
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: { message: string; code: number } };
      expect(body.error.code).toBe(status);
      expect(body.error.message).toMatch(message);
    }
    expect((await getJson(sandbox, token, '/v3.0/orders?account_id=4242')).status).toBe(200);
  });

  it('expires tokens after their lifetime and when told to', async () => {
    const token = await tokenOf(sandbox);
    clock += 61_000;
    const expired = await getJson<{ error: { message: string } }>(sandbox, token, '/v3.0/orders?account_id=4242');
    expect(expired).toEqual({ status: 401, body: { error: { message: 'Token has expired', code: 401 } } });
    const fresh = await tokenOf(sandbox);
    expect((await getJson(sandbox, fresh, '/v3.0/orders?account_id=4242')).status).toBe(200);
    const response = await fetch(`${sandbox.url}/_sandbox/tokens/expire`, { method: 'POST' });
    expect(await response.json()).toEqual({ expired: 1 });
    expect((await getJson(sandbox, fresh, '/v3.0/orders?account_id=4242')).status).toBe(401);
  });

  it('answers unknown routes, malformed bodies and unsupported content types in the error envelope', async () => {
    const token = await tokenOf(sandbox);
    const badUrl = await fetch(`${sandbox.url}/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    expect(((await badUrl.json()) as { error: { code: number } }).error.code).toBe(400);
    const unknown = await fetch(`${sandbox.url}/v3.0/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { message: 'Route GET /v3.0/nothing-here not found', code: 404 } });
    const malformed = await fetch(`${sandbox.url}/v3.0/orders/moi/`, {
      method: 'PATCH',
      headers: { Authorization: token, 'Content-Type': 'application/json' },
      body: '{"account_id": 4242,',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toMatch(/^Malformed JSON body/);
    const xml = await fetch(`${sandbox.url}/v3.0/orders/actions/`, {
      method: 'POST',
      headers: { Authorization: token, 'Content-Type': 'text/xml' },
      body: '<a/>',
    });
    expect(xml.status).toBe(400);
    expect(((await xml.json()) as { error: { message: string } }).error.message).toMatch(
      /expects an application\/x-www-form-urlencoded body, got text\/xml/,
    );
  });
});

describe('Lengow sandbox: logging', () => {
  it('logs each request without credentials, tokens or bodies', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const sandbox = await startSandbox({
      orderCount: 3,
      logger,
      accessToken: 'ACCESS-abc123',
      secret: 'SECRET-xyz789',
    });
    try {
      const token = await tokenOf(sandbox, 'ACCESS-abc123', 'SECRET-xyz789');
      await getJson(sandbox, token, '/v3.0/orders?account_id=4242');
      await fetch(`${sandbox.url}/v3.0/orders/moi/`, {
        method: 'PATCH',
        headers: { Authorization: token, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          account_id: 4242,
          marketplace: 'x',
          marketplace_order_id: 'y',
          merchant_order_id: ['z'],
        }),
      });
    } finally {
      await sandbox.close();
    }
    const output = lines.join('');
    expect(lines.filter((l) => l.includes('sandbox request'))).toHaveLength(3);
    expect(output).toContain('/v3.0/orders/moi/');
    for (const secret of ['ACCESS-abc123', 'SECRET-xyz789']) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
  });
});

describe('Lengow sandbox: orders', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: 11, orderCount: 250, anchor: ANCHOR, now: () => ANCHOR });
    token = await tokenOf(sandbox);
  });
  afterAll(() => sandbox.close());

  it('pages a window to the end: counts add up, no duplicates, sorted by updated_at, next null on the last page', async () => {
    const { pages, orders } = await pageThrough(sandbox, token, '/v3.0/orders?account_id=4242&page_size=40');
    expect(pages).toHaveLength(7);
    expect(pages.every((p) => p.count === 250)).toBe(true);
    expect(orders).toHaveLength(250);
    expect(new Set(orders.map(keyOf)).size).toBe(250);
    expect(pages[0].previous).toBeNull();
    expect(pages[6].next).toBeNull();
    expect(pages[6].results).toHaveLength(10);
    expect(pages[1].previous).toBe(`${sandbox.url}/v3.0/orders?account_id=4242&page=1&page_size=40`);
    const times = orders.map((o) => Date.parse(String(o.updated_at)));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const from = new Date(times[50]).toISOString().replace('Z', '+00:00');
    const to = new Date(times[149]);
    // The upper bound with a +02:00 offset, URL-encoded as PHP sends it.
    const toParis = new Date(to.getTime() + 2 * 3600_000).toISOString().slice(0, 23) + '+02:00';
    const window = await pageThrough(
      sandbox,
      token,
      `/v3.0/orders?account_id=4242&page_size=30&updated_from=${encodeURIComponent(from)}&updated_to=${encodeURIComponent(toParis)}`,
    );
    expect(window.orders.map(keyOf)).toEqual(orders.slice(50, 150).map(keyOf));
    expect(window.pages[0].next).toContain(`updated_from=${encodeURIComponent(from)}`);
  });

  it('reads a raw + that decoded to a space as the offset sign, never as something else', async () => {
    const encoded = await getJson(
      sandbox,
      token,
      `/v3.0/orders?account_id=4242&updated_from=${encodeURIComponent('2025-03-09T14:00:00+02:00')}`,
    );
    const raw = await getJson(sandbox, token, '/v3.0/orders?account_id=4242&updated_from=2025-03-09T14:00:00+02:00');
    expect(raw.status).toBe(200);
    expect(raw.body.count).toBe(encoded.body.count);
    expect(raw.body.count).toBeGreaterThan(0);
    expect(raw.body.count).toBeLessThan(250);
    expect(raw.body.next).toContain('updated_from=2025-03-09T14%3A00%3A00%2B02%3A00');
  });

  it('refuses dates without offset, bad paging values, and pages past the end', async () => {
    const noOffset = await getJson<{ error: { message: string } }>(
      sandbox,
      token,
      '/v3.0/orders?account_id=4242&updated_from=2025-03-09T14:00:00',
    );
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.error.message).toMatch(/no UTC offset/);
    expect((await getJson(sandbox, token, '/v3.0/orders?account_id=4242&updated_from=yesterday')).status).toBe(400);
    expect((await getJson(sandbox, token, '/v3.0/orders?account_id=4242&page=0')).status).toBe(400);
    expect((await getJson(sandbox, token, '/v3.0/orders?account_id=4242&page_size=abc')).status).toBe(400);
    expect((await getJson(sandbox, token, '/v3.0/orders?account_id=4242&page=2&page=3')).status).toBe(400);
    const past = await getJson<{ error: { message: string; code: number } }>(
      sandbox,
      token,
      '/v3.0/orders?account_id=4242&page=4',
    );
    expect(past).toEqual({ status: 404, body: { error: { message: 'Invalid page.', code: 404 } } });
  });

  it('caps page_size at 100, as Django REST does, and says so in the next link', async () => {
    const { body } = await getJson(sandbox, token, '/v3.0/orders?account_id=4242&page_size=500');
    expect(body.results).toHaveLength(100);
    expect(body.next).toBe(`${sandbox.url}/v3.0/orders?account_id=4242&page=2&page_size=100`);
  });

  it('returns one order by marketplace + marketplace_order_id, and an empty list for an unknown one', async () => {
    const { body: all } = await getJson(sandbox, token, '/v3.0/orders?account_id=4242&page_size=100');
    const target = all.results[37];
    const one = await getJson(
      sandbox,
      token,
      `/v3.0/orders?account_id=4242&marketplace=${target.marketplace}&marketplace_order_id=${encodeURIComponent(String(target.marketplace_order_id))}`,
    );
    expect(one.body).toEqual({ count: 1, next: null, previous: null, results: [target] });
    const none = await getJson(
      sandbox,
      token,
      `/v3.0/orders?account_id=4242&marketplace=${target.marketplace}&marketplace_order_id=NOPE`,
    );
    expect(none.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it('filters on order date, marketplace and status', async () => {
    const { orders } = await pageThrough(sandbox, token, '/v3.0/orders?account_id=4242');
    const amazon = await pageThrough(
      sandbox,
      token,
      '/v3.0/orders?account_id=4242&marketplace=amazon_fr&lengow_status=waiting_shipment&page_size=20',
    );
    expect(amazon.orders.map(keyOf)).toEqual(
      orders.filter((o) => o.marketplace === 'amazon_fr' && o.lengow_status === 'waiting_shipment').map(keyOf),
    );
    const day = '2025-03-09';
    const byDate = await pageThrough(
      sandbox,
      token,
      `/v3.0/orders?account_id=4242&marketplace_order_date_from=${day}&marketplace_order_date_to=${day}`,
    );
    const expected = orders.filter((o) =>
      String(new Date(Date.parse(String(o.marketplace_order_date))).toISOString()).startsWith(day),
    );
    expect(byDate.orders.map(keyOf)).toEqual(expected.map(keyOf));
    expect(expected.length).toBeGreaterThan(0);
  });

  it('marks orders with moi: merchant_order_id is then returned, updated_at kept, and merchant_order_id=None leaves them out', async () => {
    const { body: first } = await getJson(sandbox, token, '/v3.0/orders?account_id=4242&page_size=5');
    const target = first.results[2];
    const patch = await fetch(`${sandbox.url}/v3.0/orders/moi/`, {
      method: 'PATCH',
      headers: { Authorization: token, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        account_id: 4242,
        marketplace_order_id: target.marketplace_order_id,
        marketplace: target.marketplace,
        merchant_order_id: ['SHOP-1', 'SHOP-2'],
      }),
    });
    expect(patch.status).toBe(200);
    const { body: after } = await getJson(
      sandbox,
      token,
      `/v3.0/orders?account_id=4242&marketplace=${target.marketplace}&marketplace_order_id=${encodeURIComponent(String(target.marketplace_order_id))}`,
    );
    expect(after.results[0]).toEqual({ ...target, merchant_order_id: ['SHOP-1', 'SHOP-2'] });
    const unmarked = await pageThrough(sandbox, token, '/v3.0/orders?account_id=4242&merchant_order_id=None');
    expect(unmarked.orders).toHaveLength(249);
    expect(unmarked.orders.map(keyOf)).not.toContain(keyOf(target));
    const marked = await getJson(sandbox, token, '/v3.0/orders?account_id=4242&merchant_order_id=SHOP-2');
    expect(marked.body.results.map(keyOf)).toEqual([keyOf(target)]);
  });

  it('answers moi on an unknown order with 404 "Pas trouvé." and checks the body', async () => {
    const patch = (body: unknown, contentType = 'application/json') =>
      fetch(`${sandbox.url}/v3.0/orders/moi/`, {
        method: 'PATCH',
        headers: { Authorization: token, 'Content-Type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const unknown = await patch({
      account_id: 4242,
      marketplace_order_id: 'NOPE',
      marketplace: 'amazon_fr',
      merchant_order_id: ['1'],
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Pas trouvé.' });
    const noList = await patch({
      account_id: 4242,
      marketplace_order_id: 'X',
      marketplace: 'amazon_fr',
      merchant_order_id: '1',
    });
    expect(noList.status).toBe(400);
    expect(((await noList.json()) as { error: { message: string } }).error.message).toMatch(
      /merchant_order_id must be an array/,
    );
    const form = await patch('account_id=4242', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(400);
    const otherAccount = await patch({
      account_id: 1,
      marketplace_order_id: 'X',
      marketplace: 'amazon_fr',
      merchant_order_id: ['1'],
    });
    expect(otherAccount.status).toBe(403);
  });

  it('serves marketplace definitions where every action has status, args, optional_args and args_description', async () => {
    const { status, body } = await getJson<
      Record<string, { orders: { status: Record<string, string[]>; actions: Record<string, Record<string, unknown>> } }>
    >(sandbox, token, '/v3.0/marketplaces?account_id=4242');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(
      expect.arrayContaining(['amazon_fr', 'cdiscount', 'laredoute', 'fnac', 'manomano']),
    );
    for (const definition of Object.values(body)) {
      for (const action of Object.values(definition.orders.actions)) {
        expect(Object.keys(action).sort()).toEqual(['args', 'args_description', 'optional_args', 'status']);
        for (const arg of [...(action.args as string[]), ...(action.optional_args as string[])]) {
          expect((action.args_description as Record<string, unknown>)[arg]).toEqual(
            expect.objectContaining({
              type: expect.any(String),
              valid_values: expect.any(Object),
              accept_free_values: expect.any(Boolean),
            }),
          );
        }
      }
    }
    expect(body.amazon_fr.orders.actions.ship).toMatchObject({
      args: ['carrier', 'shipping_method'],
      optional_args: ['carrier_name', 'line', 'shipping_date', 'tracking_number'],
    });
    expect(body.laredoute.orders.actions.ship).toMatchObject({
      args: ['carrier', 'tracking_number'],
      optional_args: ['line', 'tracking_url'],
      status: ['waiting_shipment'],
    });
    // Every status a generated order carries is in its marketplace's table.
    const { orders } = await pageThrough(sandbox, token, '/v3.0/orders?account_id=4242');
    for (const order of orders)
      expect(Object.values(body[String(order.marketplace)].orders.status).flat()).toContain(order.marketplace_status);

    const one = await getJson<Record<string, unknown>>(
      sandbox,
      token,
      '/v3.0/marketplaces?account_id=4242&marketplace=fnac',
    );
    expect(Object.keys(one.body)).toEqual(['fnac']);
    expect((await getJson(sandbox, token, '/v3.0/marketplaces?account_id=4242&marketplace=nowhere')).status).toBe(404);
  });

  it('counts requests per route for inspection', async () => {
    const response = await fetch(`${sandbox.url}/_sandbox/requests`);
    const counts = (await response.json()) as Record<string, { total: number; byStatus: Record<string, number> }>;
    expect(counts['GET /v3.0/orders'].byStatus['200']).toBeGreaterThan(10);
    expect(counts['GET /v3.0/orders'].byStatus['400']).toBeGreaterThanOrEqual(4);
    expect(counts['POST /access/get_token'].total).toBe(1);
  });
});

describe('Lengow sandbox: generator and admin', () => {
  it('serves the same orders for the same seed and anchor, and a manifest matching the generated set', async () => {
    const a = await startSandbox({ seed: 5, orderCount: 300, anchor: ANCHOR });
    const b = await startSandbox({ seed: 5, orderCount: 300, anchor: ANCHOR });
    try {
      const [ta, tb] = [await tokenOf(a), await tokenOf(b)];
      const pa = await pageThrough(a, ta, '/v3.0/orders?account_id=4242');
      const pb = await pageThrough(b, tb, '/v3.0/orders?account_id=4242');
      expect(JSON.stringify(pa.orders).replaceAll(a.url, '')).toBe(JSON.stringify(pb.orders).replaceAll(b.url, ''));
      const manifest = await (await fetch(`${a.url}/_sandbox/manifest`)).json();
      expect(manifest).toEqual(importCaseManifest(5, 300));
      expect(a.manifest()).toEqual(manifest);
      const detailed = (await (await fetch(`${a.url}/_sandbox/manifest?orders=1`)).json()) as {
        orders: { marketplace: string; marketplace_order_id: string; case: string }[];
      };
      expect(detailed.orders).toHaveLength(300);
      expect(new Set(detailed.orders.map((o) => `${o.marketplace}|${o.marketplace_order_id}`))).toEqual(
        new Set(pa.orders.map(keyOf)),
      );
      expect(new Set(detailed.orders.map((o) => o.case))).toEqual(new Set(IMPORT_CASE_NAMES));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('adds orders, generates more, changes a status (bumping updated_at) and resets', async () => {
    let clock = ANCHOR.getTime();
    const sandbox = await startSandbox({ seed: 2, orderCount: 30, anchor: ANCHOR, now: () => new Date(clock) });
    try {
      const token = await tokenOf(sandbox);
      const admin = (path: string, body?: unknown) =>
        fetch(`${sandbox.url}/_sandbox${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        });
      const custom = {
        marketplace: 'demo_market_fr',
        marketplace_order_id: 'DM-1',
        marketplace_status: 'ToShip',
        updated_at: '2025-03-10T11:00:00+00:00',
        packages: [],
      };
      const added = await admin('/orders', custom);
      expect(added.status).toBe(201);
      expect(await added.json()).toEqual({ added: 1, replaced: 0 });
      const one = await getJson(
        sandbox,
        token,
        '/v3.0/orders?account_id=4242&marketplace=demo_market_fr&marketplace_order_id=DM-1',
      );
      expect(one.body.results).toEqual([custom]);
      expect((await admin('/orders', { marketplace: 'x' })).status).toBe(400);

      clock += 60_000;
      expect(await (await admin('/orders', { generate: 5 })).json()).toEqual({
        generated: { firstIndex: 30, count: 5 },
      });
      const all = await pageThrough(sandbox, token, '/v3.0/orders?account_id=4242');
      expect(all.orders).toHaveLength(36);
      expect(Date.parse(String(all.orders[35].updated_at))).toBe(clock);

      const target = all.orders[0];
      clock += 60_000;
      const moved = await admin(
        `/orders/${target.marketplace}/${encodeURIComponent(String(target.marketplace_order_id))}/status`,
        {
          marketplace_status: String(target.marketplace === 'amazon_fr' ? 'Canceled' : 'REFUNDED'),
          lengow_status: target.marketplace === 'amazon_fr' ? undefined : 'refunded',
        },
      );
      expect(moved.status).toBe(200);
      const after = await pageThrough(sandbox, token, '/v3.0/orders?account_id=4242');
      expect(keyOf(after.orders[35])).toBe(keyOf(target));
      expect(Date.parse(String(after.orders[35].updated_at))).toBe(clock);
      const unknownStatus = await admin(
        `/orders/${target.marketplace}/${encodeURIComponent(String(target.marketplace_order_id))}/status`,
        { marketplace_status: 'NoSuchStatus' },
      );
      expect(unknownStatus.status).toBe(400);

      const reset = await admin('/reset', { orderCount: 10 });
      expect(reset.status).toBe(200);
      expect((await getJson(sandbox, token, '/v3.0/orders?account_id=4242')).body.count).toBe(10);
      const state = (await (await fetch(`${sandbox.url}/_sandbox/state`)).json()) as {
        orders: { total: number };
        actions: unknown[];
      };
      expect(state.orders.total).toBe(10);
      expect(state.actions).toEqual([]);
    } finally {
      await sandbox.close();
    }
  });

  it('serves the first and last pages of 100 000 orders', async () => {
    const sandbox = await startSandbox({ seed: 8, orderCount: 100_000, anchor: ANCHOR });
    try {
      const token = await tokenOf(sandbox);
      const first = await getJson(sandbox, token, '/v3.0/orders?account_id=4242&page_size=100');
      expect(first.body.count).toBe(100_000);
      expect(first.body.results).toHaveLength(100);
      expect(first.body.next).toBe(`${sandbox.url}/v3.0/orders?account_id=4242&page=2&page_size=100`);
      const last = await getJson(sandbox, token, first.body.next!.replace('page=2', 'page=1000'));
      expect(last.body.results).toHaveLength(100);
      expect(last.body.next).toBeNull();
      expect(last.body.previous).toContain('page=999');
      const lastKey = keyOf(last.body.results[99]);
      expect(lastKey).toBe(
        `${sandbox.state.orders.skeletonOf(99_999).marketplace}|${sandbox.state.orders.skeletonOf(99_999).marketplaceOrderId}`,
      );
      expect(new Set([...first.body.results, ...last.body.results].map(keyOf)).size).toBe(200);
      const [marketplace, id] = lastKey.split('|');
      const one = await getJson(
        sandbox,
        token,
        `/v3.0/orders?account_id=4242&marketplace=${marketplace}&marketplace_order_id=${encodeURIComponent(id)}`,
      );
      expect(one.body.results).toEqual([last.body.results[99]]);
    } finally {
      await sandbox.close();
    }
  });
});
