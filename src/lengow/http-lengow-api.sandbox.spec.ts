import { Writable } from 'node:stream';
import { createLogger } from '../logging/logger.js';
import { startSandbox, type Sandbox } from '../sandbox/sandbox-server.js';
import type { ParsedOrder } from './dto/lengow-order.js';
import { HttpLengowApi, type HttpLengowApiOptions } from './http-lengow-api.js';
import { classifyAction } from './lengow-action.js';
import type { OrdersQuery } from './lengow-api.port.js';
import {
  LengowAuthError,
  type LengowError,
  LengowMalformedResponse,
  LengowOrderNotFound,
  LengowRateLimited,
  LengowRejected,
  LengowUnavailable,
  LengowUnknownMarketplace,
} from './lengow-errors.js';

/**
 * The client against the Lengow emulator (src/sandbox) over loopback HTTP. The emulator checks the wire format the
 * way the real API does (raw token, account_id on every call, form body for actions, JSON for moi) and counts every
 * request per route and status, which is what the call-count assertions read.
 */

const ACCESS_TOKEN = 'acc-sandbox-5d4c3b2a1f0e';
const SECRET = 'sec-sandbox-0e1f2a3b4c5d';
const ANCHOR = new Date('2024-05-03T12:00:00Z');
const WINDOW: OrdersQuery = {
  updatedFrom: new Date('2024-05-01T00:00:00Z'),
  updatedTo: new Date('2024-05-04T00:00:00Z'),
};

let sandbox: Sandbox;
let now: Date;
let sleeps: number[];
let logLines: string[];
/** Authorization headers the client sent, to prove the session tokens never leak. */
let sentTokens: Set<string>;

function countingFetch(): typeof fetch {
  return (input, init) => {
    const authorization = new Headers(init?.headers).get('authorization');
    if (authorization) sentTokens.add(authorization);
    return fetch(input, init);
  };
}

function client(options: Partial<HttpLengowApiOptions> = {}): HttpLengowApi {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  return new HttpLengowApi({
    baseUrl: sandbox.url,
    accessToken: ACCESS_TOKEN,
    secret: SECRET,
    logger: createLogger({ destination, level: 'debug' }),
    timeoutsMs: { token: 1000, orders: 2000, moi: 1000, actions: 1000, marketplaces: 1000 },
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 5000 },
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    fetch: countingFetch(),
    ...options,
  });
}

/** Requests the emulator answered on `route` ("GET /v3.0/orders"), optionally only those with `status`. */
function served(route: string, status?: number): number {
  const counts = sandbox.state.requestCountsJson()[route];
  if (!counts) return 0;
  return status === undefined ? counts.total : (counts.byStatus[String(status)] ?? 0);
}

async function allOrders(api: HttpLengowApi, query: OrdersQuery = WINDOW): Promise<ParsedOrder[]> {
  const orders: ParsedOrder[] = [];
  for await (const page of api.listOrders(query)) orders.push(...page.orders);
  return orders;
}

async function firstPage(api: HttpLengowApi, query: OrdersQuery = WINDOW) {
  for await (const page of api.listOrders(query)) return page;
  throw new Error('no page');
}

async function caught(promise: Promise<unknown>): Promise<LengowError> {
  try {
    await promise;
  } catch (error) {
    return error as LengowError;
  }
  throw new Error('expected a failure');
}

async function admin(path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

beforeEach(async () => {
  now = new Date(ANCHOR);
  sleeps = [];
  logLines = [];
  sentTokens = new Set();
  sandbox = await startSandbox({
    seed: 11,
    orderCount: 230,
    anchor: ANCHOR,
    now: () => now,
    accessToken: ACCESS_TOKEN,
    secret: SECRET,
    actionProcessingDelayMs: 60_000,
  });
});

afterEach(async () => {
  await sandbox.close();
});

describe('token lifecycle (emulator)', () => {
  it('reuses one token across calls, then fetches a new one after 3000 s', async () => {
    const api = client();
    await firstPage(api);
    await api.getMarketplaces();
    expect(served('POST /access/get_token')).toBe(1);
    now = new Date(now.getTime() + 3000_000);
    await firstPage(api);
    expect(served('POST /access/get_token')).toBe(2);
    expect(served('GET /v3.0/orders', 401)).toBe(0);
  });

  it('refreshes an expired token once and retries the call once', async () => {
    const api = client();
    await firstPage(api);
    sandbox.expireTokens();
    const page = await firstPage(api);
    expect(page.orders.length).toBeGreaterThan(0);
    expect(served('GET /v3.0/orders', 401)).toBe(1);
    expect(served('GET /v3.0/orders', 200)).toBe(2);
    expect(served('POST /access/get_token')).toBe(2);
  });

  it('refreshes when the server-side lifetime ends before the client expects it', async () => {
    await sandbox.close();
    sandbox = await startSandbox({
      seed: 11,
      orderCount: 10,
      anchor: ANCHOR,
      now: () => now,
      tokenLifetimeSeconds: 600,
    });
    const api = client();
    await firstPage(api);
    now = new Date(now.getTime() + 601_000);
    await firstPage(api);
    expect(served('GET /v3.0/orders', 401)).toBe(1);
    expect(served('POST /access/get_token')).toBe(2);
  });

  it('fails typed when the fresh token is refused as well', async () => {
    const api = client();
    sandbox.faults.add({ kind: 'unauthorized', route: '/v3.0/orders', count: 2 });
    const error = await caught(firstPage(api));
    expect(error).toBeInstanceOf(LengowAuthError);
    expect(served('GET /v3.0/orders')).toBe(2);
    expect(served('POST /access/get_token')).toBe(2);
  });

  it('fails typed on wrong credentials, without retrying', async () => {
    const error = await caught(firstPage(client({ secret: 'sec-wrong-000000' })));
    expect(error).toBeInstanceOf(LengowAuthError);
    expect(error.message).toContain('Invalid access_token or secret');
    expect(served('POST /access/get_token')).toBe(1);
  });
});

describe('orders (emulator)', () => {
  it('pages to the end, every generated order typed', async () => {
    const api = client();
    const pages = [];
    for await (const page of api.listOrders(WINDOW)) pages.push(page);
    expect(pages.map((page) => [page.page, page.orders.length, page.hasNext])).toEqual([
      [1, 100, true],
      [2, 100, true],
      [3, 30, false],
    ]);
    const orders = pages.flatMap((page) => page.orders);
    const failures = orders.filter((parsed) => !parsed.ok);
    expect(failures).toEqual([]);
    const keys = orders.map((parsed) =>
      parsed.ok ? `${parsed.order.marketplace}|${parsed.order.marketplaceOrderId}` : '',
    );
    expect(new Set(keys).size).toBe(230);
    expect(served('GET /v3.0/orders', 200)).toBe(3);
    // The generator's business cases come through as typed values for the engine to judge.
    const typed = orders.flatMap((parsed) => (parsed.ok ? [parsed.order] : []));
    expect(typed.some((order) => order.billingAddress === null)).toBe(true);
    expect(typed.some((order) => order.totalOrder === -1)).toBe(true);
    expect(typed.some((order) => order.packages.length > 1)).toBe(true);
  });

  it('serves every order of an updated_at window although orders already served are updated while it reads', async () => {
    const api = client();
    const served = new Map<string, number>();
    let requests = 0;
    for await (const page of api.listOrders({ ...WINDOW, ordering: 'updated_at' })) {
      requests += 1;
      for (const parsed of page.orders) {
        if (!parsed.ok) throw new Error(parsed.reason);
        const key = `${parsed.order.marketplace}|${parsed.order.marketplaceOrderId}`;
        served.set(key, (served.get(key) ?? 0) + 1);
      }
      // As the engine's own actions do while it imports: five orders of each page change status, and move to the
      // end of the listing. With page numbers, each move shifted the rest up one place and an order went unserved.
      if (requests > 2) continue;
      now = new Date(now.getTime() + 1000);
      for (const parsed of page.orders.slice(0, 5)) {
        if (!parsed.ok) continue;
        const { marketplace, marketplaceOrderId, marketplaceStatus, lengowStatus } = parsed.order;
        await admin(`/orders/${marketplace}/${encodeURIComponent(marketplaceOrderId)}/status`, {
          marketplace_status: marketplaceStatus,
          lengow_status: lengowStatus ?? 'waiting_shipment',
        });
      }
    }
    expect(served.size).toBe(230);
    // The moved orders come again as their new version, at the end; nothing else is served twice.
    expect([...served.values()].filter((times) => times > 1)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('fetches one order by marketplace and id', async () => {
    const api = client();
    const first = (await firstPage(api)).orders[0]!;
    if (!first.ok) throw new Error(first.reason);
    const page = await firstPage(api, {
      marketplace: first.order.marketplace.toUpperCase(),
      marketplaceOrderId: first.order.marketplaceOrderId,
    });
    expect(page.orders).toHaveLength(1);
    expect(page.orders[0]).toMatchObject({ ok: true, order: { marketplaceOrderId: first.order.marketplaceOrderId } });
  });

  it('sends offsets URL-encoded: a +02:00 window selects the same orders as its UTC twin', async () => {
    const api = client();
    const utc = await allOrders(api, {
      updatedFrom: '2024-05-03T00:00:00+00:00',
      updatedTo: '2024-05-03T06:00:00+00:00',
    });
    const paris = await allOrders(api, {
      updatedFrom: '2024-05-03T02:00:00+02:00',
      updatedTo: '2024-05-03T08:00:00+02:00',
    });
    expect(utc.length).toBeGreaterThan(0);
    expect(paris.map((parsed) => parsed.ok && parsed.order.marketplaceOrderId)).toEqual(
      utc.map((parsed) => parsed.ok && parsed.order.marketplaceOrderId),
    );
  });

  it('yields an order repeated across pages on both pages', async () => {
    sandbox.faults.add({ kind: 'duplicate_across_pages', count: 1 });
    const orders = await allOrders(client());
    const keys = orders.map((parsed) => (parsed.ok ? parsed.order.marketplaceOrderId : parsed.reason));
    expect(keys).toHaveLength(231);
    expect(new Set(keys).size).toBe(230);
  });

  it('reads a changed delivery id as an attribute of the same order', async () => {
    const api = client();
    const before = (await firstPage(api)).orders[0]!;
    if (!before.ok) throw new Error(before.reason);
    sandbox.faults.add({ kind: 'changing_delivery_id', marketplaceOrderId: before.order.marketplaceOrderId, count: 1 });
    const after = (await firstPage(api)).orders[0]!;
    if (!after.ok) throw new Error(after.reason);
    expect(after.order.marketplaceOrderId).toBe(before.order.marketplaceOrderId);
    expect(after.order.packages[0]!.delivery.id).not.toBe(before.order.packages[0]!.delivery.id);
  });

  it('returns every malformed order the emulator can serve as "not formatted", beside the good ones', async () => {
    const base = { marketplace: 'amazon_fr', updated_at: '2024-05-02T10:00:00Z', marketplace_status: 'Unshipped' };
    const line = { marketplace_order_line_id: 'L1', quantity: 1, amount: '10.00' };
    await admin('/orders', [
      { ...base, marketplace_order_id: 'NF-1' },
      { ...base, marketplace_order_id: 'NF-2', packages: [] },
      { ...base, marketplace_order_id: 'NF-3', packages: [{ delivery: null, cart: [line] }] },
      {
        ...base,
        marketplace_order_id: 'NF-4',
        packages: [{ delivery: { city: 'Lyon', trackings: [] }, cart: [line] }],
      },
      {
        ...base,
        marketplace_order_id: 'NF-5',
        total_order: '12,50',
        packages: [{ delivery: { id: 5 }, cart: [line] }],
      },
      {
        ...base,
        marketplace_order_id: 'NF-6',
        packages: [{ delivery: { id: 6 }, cart: [{ ...line, quantity: 'two' }] }],
      },
      {
        ...base,
        marketplace_order_id: 'OK-7',
        billing_address: null,
        currency: null,
        total_order: '-1',
        packages: [{ delivery: { id: 7 }, cart: [] }],
      },
    ]);
    const orders = await allOrders(client(), { marketplaceOrderDateFrom: undefined, ...WINDOW });
    const added = orders.filter((parsed) =>
      /^(NF|OK)-/.test(String((parsed.raw as { marketplace_order_id?: unknown }).marketplace_order_id)),
    );
    expect(
      added.map((parsed) => [
        (parsed.raw as { marketplace_order_id: string }).marketplace_order_id,
        parsed.ok ? 'ok' : parsed.reason,
      ]),
    ).toEqual([
      ['NF-1', 'packages is missing'],
      ['NF-2', 'packages is empty'],
      ['NF-3', 'packages[0].delivery is missing'],
      ['NF-4', 'packages[0].delivery.id is missing'],
      ['NF-5', 'total_order is not a decimal amount'],
      ['NF-6', 'packages[0].cart[0].quantity is not an integer'],
      ['OK-7', 'ok'],
    ]);
    expect(orders.filter((parsed) => parsed.ok)).toHaveLength(231);
  });

  it('reports a cut JSON body as malformed, without retrying', async () => {
    sandbox.faults.add({ kind: 'malformed_json', route: '/v3.0/orders', count: 1 });
    const error = await caught(firstPage(client()));
    expect(error).toBeInstanceOf(LengowMalformedResponse);
    expect(served('GET /v3.0/orders')).toBe(1);
  });
});

describe('faults (emulator)', () => {
  it('waits out a 429 as its Retry-After says', async () => {
    sandbox.faults.add({ kind: 'http_429', route: '/v3.0/orders', count: 1, retryAfterSeconds: 2 });
    await firstPage(client());
    expect(served('GET /v3.0/orders', 429)).toBe(1);
    expect(served('GET /v3.0/orders', 200)).toBe(1);
    expect(sleeps).toEqual([2000]);
  });

  it('gives up on a Retry-After beyond the cap with LengowRateLimited', async () => {
    sandbox.faults.add({ kind: 'http_429', route: '/v3.0/orders', count: 1, retryAfterSeconds: 600 });
    const error = await caught(firstPage(client()));
    expect(error).toBeInstanceOf(LengowRateLimited);
    expect((error as LengowRateLimited).retryAfterMs).toBe(600_000);
    expect(served('GET /v3.0/orders')).toBe(1);
  });

  it('retries 500 and the load balancer 503 page, then succeeds', async () => {
    sandbox.faults.add({ kind: 'http_500', route: '/v3.0/orders', count: 1 });
    sandbox.faults.add({ kind: 'http_503', route: '/v3.0/orders', count: 1 });
    const page = await firstPage(client());
    expect(page.orders).toHaveLength(100);
    expect([served('GET /v3.0/orders', 500), served('GET /v3.0/orders', 503), served('GET /v3.0/orders', 200)]).toEqual(
      [1, 1, 1],
    );
    expect(sleeps).toHaveLength(2);
    for (const [index, delay] of sleeps.entries()) expect(delay).toBeLessThan(5 * 2 ** index); // full jitter under the cap
  });

  it('gives up after the attempt budget with LengowUnavailable', async () => {
    sandbox.faults.add({ kind: 'http_503', route: '/v3.0/orders', count: 5 });
    const error = (await caught(firstPage(client()))) as LengowUnavailable;
    expect([error.code, error.reason, error.status, error.attempts]).toEqual([
      'LENGOW_UNAVAILABLE',
      'server_error',
      503,
      3,
    ]);
    expect(served('GET /v3.0/orders')).toBe(3);
  });

  it('times a slow answer out at the route timeout and retries', async () => {
    // The normal answer must fit well within the timeout even on a loaded machine; only the slow one must not.
    sandbox.faults.add({ kind: 'slow', route: '/v3.0/orders', count: 1, delayMs: 5000 });
    const api = client({ timeoutsMs: { orders: 1500 } });
    const page = await firstPage(api);
    expect(page.orders).toHaveLength(100);
    expect(logLines.join('')).toContain('"reason":"timeout"');
    expect(sleeps).toHaveLength(1);
  });

  it('does not retry a permanent refusal', async () => {
    const error = (await caught(
      client().sendAction({
        marketplace: 'amazon_fr',
        marketplaceOrderId: 'NO-SUCH-ORDER',
        actionType: 'ship',
        args: { carrier: 'DHL' },
      }),
    )) as LengowRejected;
    expect(error).toBeInstanceOf(LengowRejected);
    expect([error.status, error.apiMessage]).toEqual([404, 'order NO-SUCH-ORDER not found on marketplace amazon_fr']);
    expect(served('POST /v3.0/orders/actions/')).toBe(1);
  });
});

describe('marketplaces (emulator)', () => {
  it('parses the emulator definitions and caches them', async () => {
    const api = client();
    const catalog = await api.getMarketplaces();
    expect([...catalog.definitions.keys()].sort()).toEqual([
      'amazon_fr',
      'cdiscount',
      'fnac',
      'laredoute',
      'manomano',
      'veepee',
    ]);
    const amazon = await api.getMarketplace('AMAZON_FR');
    expect(amazon.actionDefinition('ship')).toBeDefined();
    await api.getMarketplace('cdiscount');
    expect(served('GET /v3.0/marketplaces')).toBe(1);
  });

  it('serves the stale copy when the API fails after the TTL', async () => {
    const api = client({ marketplacesTtlMs: 60_000 });
    await api.getMarketplaces();
    now = new Date(now.getTime() + 61_000);
    sandbox.faults.add({ kind: 'http_500', route: '/v3.0/marketplaces', count: 3 });
    const stale = await api.getMarketplaces();
    expect(stale.stale).toBe(true);
    expect(stale.definitions.has('amazon_fr')).toBe(true);
    expect(served('GET /v3.0/marketplaces', 500)).toBe(3);
  });

  it('refreshes once for an unknown code, and finds one added meanwhile', async () => {
    const api = client();
    await api.getMarketplaces();
    expect(await caught(api.getMarketplace('nowhere_market'))).toBeInstanceOf(LengowUnknownMarketplace);
    expect(served('GET /v3.0/marketplaces')).toBe(2);
    await admin('/marketplaces', {
      brand_new: { name: 'Brand new', orders: { status: {}, actions: {}, carriers: {} } },
    });
    expect((await api.getMarketplace('Brand_New')).name).toBe('Brand new');
    expect(served('GET /v3.0/marketplaces')).toBe(3);
  });
});

describe('actions (emulator)', () => {
  const MARKET = {
    test_market: {
      name: 'Test market',
      orders: {
        status: { waiting_shipment: ['ToShip'], shipped: ['Sent'] },
        actions: {
          ship: {
            status: ['waiting_shipment'],
            args: ['carrier', 'tracking_number'],
            optional_args: ['line', 'shipping_date'],
            args_description: {
              carrier: {
                type: 'string',
                valid_values: { DHL: { label: 'DHL' } },
                default_value: null,
                accept_free_values: false,
              },
            },
          },
        },
        carriers: { DHL: { label: 'DHL', lengow_code: 'dhl' } },
      },
    },
  };

  beforeEach(async () => {
    await admin('/marketplaces', MARKET);
    await admin('/orders', {
      marketplace: 'test_market',
      marketplace_order_id: 'TM-1',
      marketplace_status: 'ToShip',
      lengow_status: 'waiting_shipment',
      updated_at: '2024-05-02T10:00:00Z',
      packages: [
        {
          delivery: { id: 1 },
          cart: [{ marketplace_order_line_id: 'TM-1-1', quantity: 1, marketplace_status: 'ToShip' }],
        },
      ],
    });
  });

  const ship = (carrier: string, shippingDate: string) => ({
    marketplace: 'Test_Market',
    marketplaceOrderId: 'TM-1',
    actionType: 'ship',
    line: 'TM-1-1',
    args: { carrier, tracking_number: 'TRK+1 2', shipping_date: shippingDate },
  });

  it('posts form-encoded (the emulator refuses anything else) with every argument as sent', async () => {
    const result = await client().sendAction(ship('DHL', '2024-05-03T12:00:00+00:00'));
    expect(result.outcome).toBe('posted');
    const [stored] = sandbox.state.actionsJson() as unknown as Record<string, unknown>[];
    expect(stored).toMatchObject({
      id: result.id,
      marketplace: 'test_market',
      marketplace_order_id: 'TM-1',
      action_type: 'ship',
      line: 'TM-1-1',
    });
    expect(JSON.stringify(stored)).toContain('TRK+1 2');
    expect(JSON.stringify(stored)).toContain('2024-05-03T12:00:00+00:00');
  });

  it('adopts the queued action on a second send instead of posting again, whatever the shipping date', async () => {
    const api = client();
    const first = await api.sendAction(ship('DHL', '2024-05-03T12:00:00+00:00'));
    now = new Date(now.getTime() + 10_000);
    const second = await api.sendAction(ship('DHL', '2024-05-03T12:00:10+00:00'));
    expect(second).toEqual({ id: first.id, outcome: 'adopted', existingIds: [first.id] });
    expect(served('POST /v3.0/orders/actions/')).toBe(1);
  });

  it('reads the outcome after processing: accepted, or refused with the marketplace errors', async () => {
    const api = client();
    const accepted = await api.sendAction(ship('DHL', '2024-05-03T12:00:00+00:00'));
    expect(classifyAction((await api.getAction(accepted.id))!).state).toBe('queued');
    const refused = await api.sendAction({ ...ship('UPS', '2024-05-03T12:00:00+00:00'), line: undefined });
    expect(refused.outcome).toBe('posted');
    now = new Date(now.getTime() + 61_000);
    expect(classifyAction((await api.getAction(accepted.id))!)).toEqual({ state: 'accepted' });
    const outcome = classifyAction((await api.getAction(refused.id))!);
    expect(outcome.state).toBe('refused');
    expect(outcome.state === 'refused' && outcome.errors.join(' ')).toContain('carrier');
    const polled = [];
    for await (const page of api.listActions({ updatedFrom: new Date(ANCHOR.getTime() - 1000), updatedTo: now }))
      polled.push(...page.actions);
    expect(polled.map((action) => action.id).sort()).toEqual([accepted.id, refused.id].sort());
  });
});

describe('merchant order ids (emulator)', () => {
  it('records the ids through a JSON PATCH', async () => {
    const api = client();
    const first = (await firstPage(api)).orders[0]!;
    if (!first.ok) throw new Error(first.reason);
    await api.setMerchantOrderIds({
      marketplace: first.order.marketplace,
      marketplaceOrderId: first.order.marketplaceOrderId,
      merchantOrderIds: ['SHOP-1'],
    });
    expect(sandbox.state.moiCalls.at(-1)).toMatchObject({
      account_id: 4242,
      merchant_order_id: ['SHOP-1'],
      found: true,
    });
    const again = (
      await firstPage(api, { marketplace: first.order.marketplace, marketplaceOrderId: first.order.marketplaceOrderId })
    ).orders[0]!;
    expect(again.ok && again.order.merchantOrderIds).toEqual(['SHOP-1']);
  });

  it('fails with LengowOrderNotFound on "Pas trouvé."', async () => {
    const error = await caught(
      client().setMerchantOrderIds({ marketplace: 'amazon_fr', marketplaceOrderId: 'NOPE-1', merchantOrderIds: ['S'] }),
    );
    expect(error).toBeInstanceOf(LengowOrderNotFound);
    expect(served('PATCH /v3.0/orders/moi/')).toBe(1);
  });
});

describe('secrets (emulator)', () => {
  it('appear in no log line and no error, through refreshes, faults and failures', async () => {
    const api = client();
    const errors: Error[] = [];
    await firstPage(api);
    sandbox.expireTokens();
    await firstPage(api);
    sandbox.faults.add({ kind: 'http_500', route: '/v3.0/orders', count: 1 });
    sandbox.faults.add({ kind: 'unauthorized', route: '/v3.0/orders', count: 2 });
    errors.push(await caught(firstPage(api)));
    sandbox.faults.add({ kind: 'malformed_json', route: '/v3.0/marketplaces', count: 1 });
    errors.push(await caught(api.getMarketplaces()));
    errors.push(
      await caught(
        api.setMerchantOrderIds({ marketplace: 'amazon_fr', marketplaceOrderId: 'NOPE-1', merchantOrderIds: ['S'] }),
      ),
    );
    errors.push(await caught(firstPage(client({ secret: 'sec-wrong-111111' }))));
    expect(errors.map((error) => (error as LengowError).code)).toEqual([
      'LENGOW_AUTH',
      'LENGOW_MALFORMED_RESPONSE',
      'LENGOW_ORDER_NOT_FOUND',
      'LENGOW_AUTH',
    ]);
    expect(sentTokens.size).toBeGreaterThanOrEqual(3);
    const logs = logLines.join('');
    expect(logs).toContain('lengow session token obtained');
    for (const text of [logs, ...errors.map((error) => `${error.message} ${JSON.stringify(error)}`)]) {
      for (const secret of [ACCESS_TOKEN, SECRET, ...sentTokens]) expect(text).not.toContain(secret);
    }
  });
});
