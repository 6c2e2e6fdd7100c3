import { Writable } from 'node:stream';
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Agent, errors } from 'undici';
import { SqliteDatabase } from '../database/sqlite-database.js';
import { createLogger } from '../logging/logger.js';
import { HttpLengowApi, type HttpLengowApiOptions } from './http-lengow-api.js';
import type { OrdersPage, OrdersQuery } from './lengow-api.port.js';
import {
  LengowAuthError,
  LengowError,
  LengowInvalidRequest,
  LengowMalformedResponse,
  LengowOrderNotFound,
  LengowRateLimited,
  LengowRejected,
  LengowUnavailable,
  LengowUnknownMarketplace,
} from './lengow-errors.js';
import type { LengowTransport } from './lengow-transport.js';
import { SqlMarketplaceCatalogueStore, type MarketplaceCatalogueStore } from './marketplace-catalogue-store.js';
import { undiciLengowTransport } from './undici-lengow-transport.js';

/**
 * The client against a tiny scriptable fastify server on loopback: real HTTP, and exact control of each answer, so
 * the number of calls behind every retry and refresh can be asserted. The same guarantees are proved against the
 * Lengow emulator in http-lengow-api.sandbox.spec.ts.
 */

const ACCESS_TOKEN = 'acc-7f3e9d1c2b4a';
const SECRET = 'sec-a1b2c3d4e5f6';

interface Recorded {
  method: string;
  path: string;
  /** The raw query string, as sent. */
  search: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is (to send broken JSON); anything else as JSON. */
  body?: unknown;
  delayMs?: number;
  /** Drop the connection without answering. */
  reset?: boolean;
}

type Handler = (request: Recorded, fake: FakeLengow) => Answer;

class FakeLengow {
  readonly requests: Recorded[] = [];
  readonly validTokens = new Set<string>();
  tokensIssued = 0;
  private readonly scripted = new Map<string, Handler[]>();
  private readonly defaults = new Map<string, Handler>();
  private app!: FastifyInstance;
  url = '';

  constructor() {
    this.on('POST /access/get_token', () => {
      this.tokensIssued += 1;
      const token = `session-${this.tokensIssued}-9c8b7a6d5e4f`;
      this.validTokens.add(token);
      return { body: { token, account_id: 77 } };
    });
  }

  /** The answer of a route whenever nothing is scripted for it. */
  on(route: string, handler: Handler): void {
    this.defaults.set(route, handler);
  }

  /** One-shot answers, used in order before the default. */
  then(route: string, ...answers: (Answer | Handler)[]): void {
    const queue = this.scripted.get(route) ?? [];
    queue.push(...answers.map((answer) => (typeof answer === 'function' ? answer : () => answer)));
    this.scripted.set(route, queue);
  }

  calls(route: string): Recorded[] {
    const [method, path] = route.split(' ');
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  async start(): Promise<void> {
    this.app = fastify({ forceCloseConnections: true });
    this.app.removeAllContentTypeParsers();
    this.app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    this.app.all('/*', (request, reply) => this.handle(request, reply));
    this.url = await this.app.listen({ host: '127.0.0.1', port: 0 });
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const [path, search = ''] = request.url.split('?') as [string, string?];
    const recorded: Recorded = {
      method: request.method,
      path,
      search,
      query: new URLSearchParams(search),
      headers: request.headers,
      body: typeof request.body === 'string' ? request.body : '',
    };
    this.requests.push(recorded);
    const route = `${request.method} ${path}`;
    const authorised =
      route === 'POST /access/get_token' || this.validTokens.has(String(request.headers.authorization));
    const unauthorised: Handler = () => ({ status: 401, body: { error: { code: 401, message: 'Unauthorized' } } });
    const handler = this.scripted.get(route)?.shift() ?? (authorised ? this.defaults.get(route) : unauthorised);
    const answer: Answer = handler ? handler(recorded, this) : { status: 404, body: { detail: 'Not found.' } };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (answer.reset) {
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    reply.status(answer.status ?? 200).headers(answer.headers ?? {});
    if (typeof answer.body === 'string') reply.type('application/json').send(answer.body);
    else reply.send(answer.body ?? null);
  }
}

function order(id: number, overrides: Record<string, unknown> = {}) {
  return {
    marketplace: 'demo_market_fr',
    marketplace_order_id: `DM-${id}`,
    marketplace_status: 'ToShip',
    total_order: '10.00',
    packages: [
      { delivery: { id: 1000 + id, trackings: [] }, cart: [{ marketplace_order_line_id: `DM-${id}-1`, quantity: 1 }] },
    ],
    ...overrides,
  };
}

/** Serves `total` orders 100 a page, Django-style. */
function pagedOrders(total: number): Handler {
  return (request) => {
    const page = Number(request.query.get('page') ?? '1');
    const size = Number(request.query.get('page_size') ?? '100');
    const results = Array.from({ length: Math.max(0, Math.min(size, total - (page - 1) * size)) }, (_, index) =>
      order((page - 1) * size + index + 1),
    );
    const next = page * size < total ? `http://elsewhere.example/v3.0/orders?page=${page + 1}` : null;
    return { body: { count: total, next, previous: null, results } };
  };
}

const MARKETPLACES = {
  demo_market_fr: {
    name: 'Demo Market FR',
    orders: {
      status: { waiting_shipment: ['ToShip'] },
      actions: {
        ship: { status: ['waiting_shipment'], args: ['carrier'], optional_args: ['line'], args_description: {} },
      },
      carriers: {},
    },
  },
};

let fake: FakeLengow;
let now: Date;
let sleeps: number[];
let logLines: string[];

function client(options: Partial<HttpLengowApiOptions> = {}): HttpLengowApi {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const api = new HttpLengowApi({
    baseUrl: fake.url,
    accessToken: ACCESS_TOKEN,
    secret: SECRET,
    logger: createLogger({ destination, level: 'debug' }),
    timeoutsMs: { token: 500, orders: 500, moi: 500, actions: 500, marketplaces: 500 },
    retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 5000 },
    clock: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return api;
}

async function firstPage(
  api: HttpLengowApi,
  query: OrdersQuery = { updatedFrom: new Date('2024-05-01T00:00:00Z') },
): Promise<OrdersPage> {
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

beforeEach(async () => {
  fake = new FakeLengow();
  fake.on('GET /v3.0/orders', pagedOrders(3));
  fake.on('GET /v3.0/marketplaces', () => ({ body: MARKETPLACES }));
  await fake.start();
  now = new Date('2024-05-01T10:00:00Z');
  sleeps = [];
  logLines = [];
});

afterEach(async () => {
  await fake.stop();
});

describe('token lifecycle', () => {
  it('fetches a token with the credentials as form fields, then sends the raw token and the account id', async () => {
    const api = client();
    await firstPage(api);
    const [tokenCall] = fake.calls('POST /access/get_token');
    expect(tokenCall!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenCall!.body))).toEqual({
      access_token: ACCESS_TOKEN,
      secret: SECRET,
    });
    expect(tokenCall!.search).toBe('');
    expect(tokenCall!.headers.authorization).toBeUndefined();
    const [ordersCall] = fake.calls('GET /v3.0/orders');
    expect(ordersCall!.headers.authorization).toBe('session-1-9c8b7a6d5e4f');
    expect(ordersCall!.query.get('account_id')).toBe('77');
  });

  it('reuses the token for 3000 s, then fetches a new one', async () => {
    const api = client();
    await firstPage(api);
    now = new Date(now.getTime() + 2999_000);
    await firstPage(api);
    expect(fake.tokensIssued).toBe(1);
    now = new Date(now.getTime() + 1000);
    await firstPage(api);
    expect(fake.tokensIssued).toBe(2);
    expect(fake.calls('GET /v3.0/orders').at(-1)!.headers.authorization).toBe('session-2-9c8b7a6d5e4f');
  });

  it('shares one token fetch between concurrent callers', async () => {
    const api = client();
    await Promise.all(Array.from({ length: 8 }, () => firstPage(api)));
    expect(fake.tokensIssued).toBe(1);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(8);
  });

  it('refreshes the token once on 401 and retries the call once', async () => {
    const api = client();
    await firstPage(api);
    fake.validTokens.clear(); // the server revoked it before its time
    const page = await firstPage(api);
    expect(page.orders).toHaveLength(3);
    expect(fake.tokensIssued).toBe(2);
    expect(fake.calls('GET /v3.0/orders').map((call) => call.headers.authorization)).toEqual([
      'session-1-9c8b7a6d5e4f',
      'session-1-9c8b7a6d5e4f',
      'session-2-9c8b7a6d5e4f',
    ]);
    expect(sleeps).toEqual([]); // a refresh is not a backoff
  });

  it('refreshes on 403 like on 401', async () => {
    const api = client();
    fake.then('GET /v3.0/orders', { status: 403, body: { error: { code: 403, message: 'Forbidden' } } });
    await firstPage(api);
    expect(fake.tokensIssued).toBe(2);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(2);
  });

  it('fails typed when the fresh token is refused too', async () => {
    const api = client();
    fake.then('GET /v3.0/orders', { status: 401 }, { status: 401 });
    const error = await caught(firstPage(api));
    expect(error).toBeInstanceOf(LengowAuthError);
    expect(error.code).toBe('LENGOW_AUTH');
    expect(error.transient).toBe(false);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(2);
    expect(fake.tokensIssued).toBe(2);
  });

  it('fails typed, without retrying, when the credentials are refused', async () => {
    fake.on('POST /access/get_token', () => ({
      status: 401,
      body: { error: { code: 401, message: 'Invalid credentials' } },
    }));
    const error = await caught(firstPage(client()));
    expect(error).toBeInstanceOf(LengowAuthError);
    expect(error.message).toContain('Invalid credentials');
    expect(fake.calls('POST /access/get_token')).toHaveLength(1);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(0);
  });

  it('reports a token answer without a token as malformed', async () => {
    fake.on('POST /access/get_token', () => ({ body: { account_id: 77 } }));
    expect(await caught(firstPage(client()))).toBeInstanceOf(LengowMalformedResponse);
  });
});

describe('orders', () => {
  it('pages to the end with the async iterator, and sends the window URL-encoded', async () => {
    fake.on('GET /v3.0/orders', pagedOrders(250));
    const api = client();
    const pages: OrdersPage[] = [];
    for await (const page of api.listOrders({
      updatedFrom: '2024-05-01T10:00:00+02:00',
      updatedTo: new Date('2024-05-03T08:00:00Z'),
    })) {
      pages.push(page);
    }
    expect(pages.map((page) => [page.page, page.orders.length, page.hasNext, page.count])).toEqual([
      [1, 100, true, 250],
      [2, 100, true, 250],
      [3, 50, false, 250],
    ]);
    expect(pages.flatMap((page) => page.orders).every((parsed) => parsed.ok)).toBe(true);
    const calls = fake.calls('GET /v3.0/orders');
    expect(calls.map((call) => call.query.get('page'))).toEqual(['1', '2', '3']);
    // `next` pointed elsewhere: the client pages by number on its own host and never follows it.
    expect(fake.requests.every((request) => request.path !== '/elsewhere')).toBe(true);
    expect(calls[0]!.search).toContain('updated_from=2024-05-01T10%3A00%3A00%2B02%3A00');
    expect(calls[0]!.search).toContain('updated_to=2024-05-03T08%3A00%3A00%2B00%3A00');
    expect(calls[0]!.query.get('page_size')).toBe('100');
  });

  it('fetches lazily: stopping after the first page fetches no other', async () => {
    fake.on('GET /v3.0/orders', pagedOrders(1000));
    const api = client();
    for await (const page of api.listOrders({ updatedFrom: new Date('2024-05-01T00:00:00Z') })) {
      expect(page.page).toBe(1);
      break;
    }
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(1);
  });

  it('sends the one-order mode without dates or paging, code lower-cased', async () => {
    fake.on('GET /v3.0/orders', () => ({ body: { count: 1, next: null, previous: null, results: [order(7)] } }));
    const page = await firstPage(client(), { marketplace: 'Demo_Market_FR', marketplaceOrderId: 'DM-7' });
    expect(page.orders).toHaveLength(1);
    const [call] = fake.calls('GET /v3.0/orders');
    expect(Object.fromEntries(call!.query)).toEqual({
      account_id: '77',
      marketplace: 'demo_market_fr',
      marketplace_order_id: 'DM-7',
    });
  });

  it('sends the optional filters', async () => {
    await firstPage(client(), {
      marketplaceOrderDateFrom: new Date('2024-04-01T00:00:00Z'),
      marketplaceOrderDateTo: new Date('2024-04-02T00:00:00Z'),
      onlyWithoutMerchantOrderId: true,
      catalogIds: [3, 4],
      pageSize: 50,
      noCurrencyConversion: false,
    });
    const [call] = fake.calls('GET /v3.0/orders');
    expect(Object.fromEntries(call!.query)).toEqual({
      account_id: '77',
      marketplace_order_date_from: '2024-04-01T00:00:00+00:00',
      marketplace_order_date_to: '2024-04-02T00:00:00+00:00',
      merchant_order_id: 'None',
      catalog_ids: '3,4',
      no_currency_conversion: '0',
      page: '1',
      page_size: '50',
    });
  });

  it('refuses queries the API cannot answer, before any call', async () => {
    const api = client();
    expect(await caught(firstPage(api, { pageSize: 101 }))).toBeInstanceOf(LengowInvalidRequest);
    expect(await caught(firstPage(api, { marketplace: 'x' }))).toBeInstanceOf(LengowInvalidRequest);
    expect(await caught(firstPage(api, { updatedFrom: '2024-05-01 10:00' }))).toBeInstanceOf(LengowInvalidRequest);
    expect(fake.requests).toHaveLength(0);
  });

  it('yields orders that fail validation as "not formatted" results beside the good ones', async () => {
    const broken = order(2, { packages: [{ delivery: { city: 'Lyon' }, cart: [] }] });
    fake.on('GET /v3.0/orders', () => ({
      body: { count: 3, next: null, previous: null, results: [order(1), broken, 'junk'] },
    }));
    const page = await firstPage(client());
    expect(page.orders.map((parsed) => (parsed.ok ? 'ok' : parsed.reason))).toEqual([
      'ok',
      'packages[0].delivery.id is missing',
      'order is not an object',
    ]);
    expect(page.orders[1]).toMatchObject({ marketplace: 'demo_market_fr', marketplaceOrderId: 'DM-2', raw: broken });
  });

  it('ends the listing when a later page has gone (the list shrank while read), but not on page 1', async () => {
    fake.then(
      'GET /v3.0/orders',
      { body: { count: 150, next: 'p2', previous: null, results: [order(1)] } },
      { status: 404, body: { detail: 'Invalid page.' } },
    );
    const pages: OrdersPage[] = [];
    for await (const page of client().listOrders({ updatedFrom: new Date() })) pages.push(page);
    expect(pages.map((page) => page.page)).toEqual([1]);
    fake.then('GET /v3.0/orders', { status: 404, body: { detail: 'Not found.' } });
    expect(await caught(firstPage(client()))).toBeInstanceOf(LengowRejected);
  });

  it('keeps an order repeated across pages on both pages (the engine deduplicates)', async () => {
    fake.then(
      'GET /v3.0/orders',
      { body: { count: 3, next: 'p2', previous: null, results: [order(1), order(2)] } },
      { body: { count: 3, next: null, previous: 'p1', results: [order(2), order(3)] } },
    );
    const ids: string[] = [];
    for await (const page of client().listOrders({ updatedFrom: new Date() })) {
      for (const parsed of page.orders) if (parsed.ok) ids.push(parsed.order.marketplaceOrderId);
    }
    expect(ids).toEqual(['DM-1', 'DM-2', 'DM-2', 'DM-3']);
  });

  it.each([
    ['not JSON', '<html>oops</html>'],
    ['not an envelope', { orders: [] }],
    ['results not a list', { count: 0, next: null, results: {} }],
    ['no next', { count: 0, results: [] }],
    ['an empty page announcing a next one', { count: 5, next: 'p2', results: [] }],
  ])('reports a body that is %s as malformed', async (_label, body) => {
    fake.on('GET /v3.0/orders', () => ({ body }));
    const drain = async () => {
      // The empty-page case fails only when the page after it is asked for.
      for await (const _page of client().listOrders({ updatedFrom: new Date() })) continue;
    };
    const error = await caught(drain());
    expect(error).toBeInstanceOf(LengowMalformedResponse);
    expect(error.code).toBe('LENGOW_MALFORMED_RESPONSE');
  });
});

describe('faults', () => {
  it('honours Retry-After in seconds on 429, then succeeds', async () => {
    fake.then('GET /v3.0/orders', {
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { code: 429, message: 'Request limitation: 500 reached on /v3.0/orders' } },
    });
    const page = await firstPage(client());
    expect(page.orders).toHaveLength(3);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    fake.then('GET /v3.0/orders', { status: 429, headers: { 'retry-after': 'Wed, 01 May 2024 10:00:03 GMT' } });
    await firstPage(client());
    expect(sleeps).toEqual([3000]);
  });

  it('fails at once with LengowRateLimited when Retry-After exceeds the cap', async () => {
    fake.then('GET /v3.0/orders', { status: 429, headers: { 'retry-after': '3600' } });
    const error = await caught(firstPage(client()));
    expect(error).toBeInstanceOf(LengowRateLimited);
    expect((error as LengowRateLimited).retryAfterMs).toBe(3_600_000);
    expect(error.transient).toBe(true);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up on 429 after the attempt budget', async () => {
    fake.on('GET /v3.0/orders', () => ({ status: 429, headers: { 'retry-after': '1' } }));
    const error = await caught(firstPage(client()));
    expect(error).toBeInstanceOf(LengowRateLimited);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(3);
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('retries 5xx with exponential backoff and full jitter, then succeeds', async () => {
    fake.then('GET /v3.0/orders', { status: 503 }, { status: 500, body: { error: { code: 500, message: 'boom' } } });
    const page = await firstPage(client());
    expect(page.orders).toHaveLength(3);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(3);
    // random() = 0.5 of caps 10 and 20 ms
    expect(sleeps).toEqual([5, 10]);
  });

  it('gives up on 5xx after the attempt budget with LengowUnavailable', async () => {
    fake.on('GET /v3.0/orders', () => ({ status: 502, body: 'Bad gateway' }));
    const error = (await caught(firstPage(client()))) as LengowUnavailable;
    expect(error).toBeInstanceOf(LengowUnavailable);
    expect([error.code, error.reason, error.status, error.attempts, error.route]).toEqual([
      'LENGOW_UNAVAILABLE',
      'server_error',
      502,
      3,
      'orders',
    ]);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(3);
  });

  it('retries a timeout, aborting the slow call at the route timeout', async () => {
    fake.then('GET /v3.0/orders', { delayMs: 2000, body: { count: 0, next: null, results: [] } });
    const page = await firstPage(client({ timeoutsMs: { orders: 400 } }));
    expect(page.orders).toHaveLength(3);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(2);
  });

  it('gives up on timeouts after the attempt budget, saying so', async () => {
    fake.on('GET /v3.0/orders', () => ({ delayMs: 300, body: { count: 0, next: null, results: [] } }));
    const error = (await caught(firstPage(client({ timeoutsMs: { orders: 50 } })))) as LengowUnavailable;
    expect([error.reason, error.attempts, error.status]).toEqual(['timeout', 3, undefined]);
    expect(error.message).toContain('timeout');
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(3);
  });

  it('uses the timeout of the route: moi gets its own', async () => {
    fake.then('PATCH /v3.0/orders/moi/', { delayMs: 2000, body: {} });
    fake.on('PATCH /v3.0/orders/moi/', () => ({ body: { marketplace_order_id: 'DM-1' } }));
    await client({ timeoutsMs: { moi: 400, orders: 5000 } }).setMerchantOrderIds({
      marketplace: 'demo_market_fr',
      marketplaceOrderId: 'DM-1',
      merchantOrderIds: ['S-1'],
    });
    expect(fake.calls('PATCH /v3.0/orders/moi/')).toHaveLength(2);
  });

  it('retries a dropped connection', async () => {
    fake.then('GET /v3.0/orders', { reset: true });
    const page = await firstPage(client());
    expect(page.orders).toHaveLength(3);
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(2);
  });

  it('retries a refused connection and gives up typed', async () => {
    const closed = new FakeLengow();
    await closed.start();
    const url = closed.url;
    await closed.stop();
    const error = (await caught(firstPage(client({ baseUrl: url })))) as LengowUnavailable;
    expect([error.code, error.reason, error.attempts, error.route]).toEqual([
      'LENGOW_UNAVAILABLE',
      'network',
      3,
      'token',
    ]);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it.each([
    ['the default transport', {}],
    ['a fetch transport', { fetch }],
  ])('does not follow a redirect with %s: it fails like a dropped connection', async (_name, options) => {
    fake.on('GET /v3.0/orders', () => ({ status: 302, headers: { location: `${fake.url}/elsewhere` } }));
    fake.on('GET /elsewhere', () => ({ body: { count: 0, next: null, results: [] } }));
    const error = (await caught(firstPage(client(options)))) as LengowUnavailable;
    expect([error.code, error.reason, error.attempts, error.route]).toEqual([
      'LENGOW_UNAVAILABLE',
      'network',
      3,
      'orders',
    ]);
    expect(fake.calls('GET /elsewhere')).toHaveLength(0);
  });

  it('after close, calls fail as network failures', async () => {
    const api = client();
    await firstPage(api);
    await api.close();
    const error = (await caught(firstPage(api))) as LengowUnavailable;
    expect([error.code, error.reason]).toEqual(['LENGOW_UNAVAILABLE', 'network']);
    expect(error.message).toContain('connection failed');
  });

  it.each([400, 404, 409, 422])('does not retry a permanent %s, and keeps the API message', async (status) => {
    fake.on('GET /v3.0/orders', () => ({
      status,
      body: { error: { code: status, message: 'Invalid parameter updated_from' } },
    }));
    const error = (await caught(firstPage(client()))) as LengowRejected;
    expect(error).toBeInstanceOf(LengowRejected);
    expect([error.code, error.status, error.apiMessage, error.transient]).toEqual([
      'LENGOW_REJECTED',
      status,
      'Invalid parameter updated_from',
      false,
    ]);
    expect(error.message).toContain('Invalid parameter updated_from');
    expect(fake.calls('GET /v3.0/orders')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reads the legacy string error envelope', async () => {
    fake.on('GET /v3.0/orders', () => ({ status: 400, body: { error: 'account_id is mandatory' } }));
    expect(((await caught(firstPage(client()))) as LengowRejected).apiMessage).toBe('account_id is mandatory');
  });
});

describe('marketplaces', () => {
  it('parses and caches the definitions for the TTL', async () => {
    const api = client({ marketplacesTtlMs: 3600_000 });
    const catalog = await api.getMarketplaces();
    expect(catalog.stale).toBe(false);
    expect(catalog.definitions.get('demo_market_fr')!.lengowStatusOf('ToShip')).toBe('waiting_shipment');
    await api.getMarketplace('demo_market_fr');
    now = new Date(now.getTime() + 3599_000);
    await api.getMarketplaces();
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(1);
    expect(fake.calls('GET /v3.0/marketplaces')[0]!.query.get('account_id')).toBe('77');
    now = new Date(now.getTime() + 1000);
    await api.getMarketplaces();
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(2);
  });

  it('defaults to a 12 h cache', async () => {
    const api = client();
    await api.getMarketplaces();
    now = new Date(now.getTime() + 12 * 3600_000 - 1);
    await api.getMarketplaces();
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(1);
  });

  it('serves the stale copy when a refresh fails, and does not hammer the API meanwhile', async () => {
    const api = client({ marketplacesTtlMs: 1000, marketplacesRetryAfterFailureMs: 60_000 });
    const fresh = await api.getMarketplaces();
    fake.on('GET /v3.0/marketplaces', () => ({ status: 500 }));
    now = new Date(now.getTime() + 5000);
    const stale = await api.getMarketplaces();
    expect(stale.stale).toBe(true);
    expect(stale.fetchedAt).toBe(fresh.fetchedAt);
    expect(stale.definitions.get('demo_market_fr')).toBeDefined();
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(1 + 3);
    now = new Date(now.getTime() + 30_000);
    expect((await api.getMarketplaces()).stale).toBe(true);
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(4);
    fake.on('GET /v3.0/marketplaces', () => ({ body: MARKETPLACES }));
    now = new Date(now.getTime() + 31_000);
    expect((await api.getMarketplaces()).stale).toBe(false);
  });

  it('fails typed when there is no copy to fall back on', async () => {
    fake.on('GET /v3.0/marketplaces', () => ({ body: ['not', 'keyed'] }));
    expect(await caught(client().getMarketplaces())).toBeInstanceOf(LengowMalformedResponse);
  });

  it('looks codes up lower-cased', async () => {
    const definition = await client().getMarketplace('DEMO_Market_FR');
    expect(definition.code).toBe('demo_market_fr');
  });

  it('refreshes once for an unknown code, then gives up typed', async () => {
    const api = client();
    await api.getMarketplaces();
    const error = await caught(api.getMarketplace('nope_market'));
    expect(error).toBeInstanceOf(LengowUnknownMarketplace);
    expect(error.code).toBe('LENGOW_UNKNOWN_MARKETPLACE');
    expect(error.message).toBe('nope_market does not feature in the marketplace list');
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(2);
    // The same unknown code again, soon after: no further download.
    expect(await caught(api.getMarketplace('nope_market'))).toBeInstanceOf(LengowUnknownMarketplace);
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(2);
  });

  it('finds a marketplace that appeared since the last download', async () => {
    const api = client();
    await api.getMarketplaces();
    fake.on('GET /v3.0/marketplaces', () => ({ body: { ...MARKETPLACES, new_market: { orders: {} } } }));
    expect((await api.getMarketplace('new_market')).code).toBe('new_market');
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(2);
  });
});

describe('marketplaces kept across restarts', () => {
  let db: SqliteDatabase;
  let store: SqlMarketplaceCatalogueStore;
  beforeEach(() => {
    db = new SqliteDatabase({ path: ':memory:' });
    store = new SqlMarketplaceCatalogueStore(db);
  });
  afterEach(() => db.close());

  it('a restarted connector serves the kept list for the rest of its TTL, without downloading it again', async () => {
    const first = await client({ catalogueStore: store, marketplacesTtlMs: 3600_000 }).getMarketplaces();
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(1);
    fake.on('GET /v3.0/marketplaces', () => ({ status: 503 }));
    now = new Date(now.getTime() + 1800_000);

    const restarted = client({ catalogueStore: store, marketplacesTtlMs: 3600_000 });
    const kept = await restarted.getMarketplaces();
    expect(kept).toMatchObject({ stale: false, fetchedAt: first.fetchedAt });
    expect((await restarted.getMarketplace('DEMO_MARKET_FR')).lengowStatusOf('ToShip')).toBe('waiting_shipment');
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(1);
  });

  it('when Lengow is out right after a restart, the kept list is served stale instead of failing', async () => {
    const first = await client({ catalogueStore: store }).getMarketplaces();
    fake.on('GET /v3.0/marketplaces', () => ({ status: 503 }));
    now = new Date(now.getTime() + 13 * 3600_000);

    const restarted = client({ catalogueStore: store });
    const stale = await restarted.getMarketplaces();
    expect(stale).toMatchObject({ stale: true, fetchedAt: first.fetchedAt });
    expect((await restarted.getMarketplace('demo_market_fr')).code).toBe('demo_market_fr');
    // The refresh was tried (with its retries), then paused as for any stale copy.
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(1 + 3);
    // Without a kept list the same outage fails typed, as before.
    await expect(client().getMarketplaces()).rejects.toBeInstanceOf(LengowUnavailable);
  });

  it('a later download replaces the kept list; an answer with nothing readable does not', async () => {
    const api = client({ catalogueStore: store, marketplacesTtlMs: 1000 });
    await api.getMarketplaces();
    now = new Date(now.getTime() + 60_000);
    fake.on('GET /v3.0/marketplaces', () => ({ body: { ...MARKETPLACES, new_market: { orders: {} } } }));
    await api.getMarketplaces();
    expect(Object.keys((await store.load(fake.url))!.body as object)).toEqual(['demo_market_fr', 'new_market']);

    now = new Date(now.getTime() + 60_000);
    fake.on('GET /v3.0/marketplaces', () => ({ body: { broken: 'not a definition' } }));
    await api.getMarketplaces();
    expect(fake.calls('GET /v3.0/marketplaces')).toHaveLength(3);
    expect(Object.keys((await store.load(fake.url))!.body as object)).toEqual(['demo_market_fr', 'new_market']);
  });

  it('a store that cannot be read or written is only a missed fallback, and its errors are logged', async () => {
    const broken: MarketplaceCatalogueStore = {
      load: () => Promise.reject(new Error('database is locked')),
      save: () => Promise.reject(new Error('database is locked')),
    };
    const catalog = await client({ catalogueStore: broken }).getMarketplaces();
    expect(catalog.definitions.get('demo_market_fr')).toBeDefined();
    const logged = logLines.join('');
    expect(logged).toContain('stored lengow marketplaces could not be read');
    expect(logged).toContain('lengow marketplaces could not be stored');
  });
});

describe('actions', () => {
  const request = {
    marketplace: 'Demo_Market_FR',
    marketplaceOrderId: 'DM-1',
    actionType: 'ship',
    line: 'DM-1-1',
    args: {
      carrier: 'DHL',
      tracking_number: 'TRK 1+2',
      shipping_date: '2024-05-01T10:00:00+00:00',
      tracking_url: null,
    },
  };
  const emptyList = { body: { count: 0, next: null, previous: null, results: [] } };

  it('posts form-encoded, nothing in the URL, after checking the queue', async () => {
    fake.on('GET /v3.0/orders/actions/', () => emptyList);
    fake.on('POST /v3.0/orders/actions/', () => ({
      status: 201,
      body: { id: 321, queued: true, processed: false, errors: null },
    }));
    const result = await client().sendAction(request);
    expect(result).toEqual({ id: 321, outcome: 'posted', existingIds: [] });
    const [post] = fake.calls('POST /v3.0/orders/actions/');
    expect(post!.search).toBe('');
    expect(post!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(post!.body).toContain('tracking_number=TRK+1%2B2');
    expect(Object.fromEntries(new URLSearchParams(post!.body))).toEqual({
      account_id: '77',
      marketplace_order_id: 'DM-1',
      marketplace: 'demo_market_fr',
      action_type: 'ship',
      line: 'DM-1-1',
      carrier: 'DHL',
      tracking_number: 'TRK 1+2',
      shipping_date: '2024-05-01T10:00:00+00:00',
    });
    const [guard] = fake.calls('GET /v3.0/orders/actions/');
    expect(Object.fromEntries(guard!.query)).toEqual({
      account_id: '77',
      marketplace_order_id: 'DM-1',
      marketplace: 'demo_market_fr',
      action_type: 'ship',
      line: 'DM-1-1',
      carrier: 'DHL',
      tracking_number: 'TRK 1+2',
      queued: 'True',
      page: '1',
      page_size: '100',
    });
  });

  it('adopts an identical queued action instead of posting', async () => {
    fake.on('GET /v3.0/orders/actions/', () => ({
      body: {
        count: 1,
        next: null,
        previous: null,
        results: [
          {
            id: 55,
            marketplace_order_id: 'DM-1',
            marketplace: 'demo_market_fr',
            action_type: 'ship',
            line: 'DM-1-1',
            queued: true,
            processed: false,
            errors: null,
          },
        ],
      },
    }));
    const result = await client().sendAction(request);
    expect(result).toEqual({ id: 55, outcome: 'adopted', existingIds: [55] });
    expect(fake.calls('POST /v3.0/orders/actions/')).toHaveLength(0);
  });

  it('does not adopt a queued action that is visibly another one', async () => {
    fake.on('GET /v3.0/orders/actions/', () => ({
      body: {
        count: 1,
        next: null,
        previous: null,
        results: [{ id: 56, marketplace_order_id: 'DM-1', action_type: 'cancel', queued: true }],
      },
    }));
    fake.on('POST /v3.0/orders/actions/', () => ({ body: { id: 57 } }));
    expect(await client().sendAction(request)).toMatchObject({ id: 57, outcome: 'posted' });
  });

  it('after an ambiguous POST failure, checks the queue again before re-posting', async () => {
    let created = false;
    fake.on('GET /v3.0/orders/actions/', () =>
      created
        ? {
            body: {
              count: 1,
              next: null,
              results: [{ id: 90, marketplace_order_id: 'DM-1', action_type: 'ship', queued: true }],
            },
          }
        : emptyList,
    );
    fake.on('POST /v3.0/orders/actions/', () => {
      created = true; // Lengow stored it, but the answer was lost
      return { status: 504 };
    });
    const result = await client().sendAction(request);
    expect(result).toEqual({ id: 90, outcome: 'adopted', existingIds: [90] });
    expect(fake.calls('POST /v3.0/orders/actions/')).toHaveLength(1);
    expect(fake.calls('GET /v3.0/orders/actions/')).toHaveLength(2);
  });

  it('after an ambiguous POST failure, adopts the action even if it already left the queue', async () => {
    let created = false;
    fake.on('GET /v3.0/orders/actions/', (recorded) => {
      const action = {
        id: 92,
        marketplace_order_id: 'DM-1',
        action_type: 'ship',
        line: 'DM-1-1',
        queued: false,
        processed: true,
        errors: null,
        created_at: '2024-05-01T10:00:01.123456Z',
      };
      const visible = created && recorded.query.get('queued') !== 'True';
      return { body: { count: visible ? 1 : 0, next: null, results: visible ? [action] : [] } };
    });
    fake.on('POST /v3.0/orders/actions/', () => {
      created = true;
      return { delayMs: 2000 };
    });
    const result = await client({ timeoutsMs: { actions: 300 } }).sendAction(request);
    expect(result).toEqual({ id: 92, outcome: 'adopted', existingIds: [92] });
    expect(fake.calls('POST /v3.0/orders/actions/')).toHaveLength(1);
    const guards = fake.calls('GET /v3.0/orders/actions/');
    expect(guards.map((call) => call.query.get('queued'))).toEqual(['True', null]);
  });

  it('adopts an identical action created since a previous attempt of unknown outcome, not an older one', async () => {
    const at = (iso: string) => ({
      id: iso.length,
      marketplace_order_id: 'DM-1',
      action_type: 'ship',
      line: 'DM-1-1',
      queued: false,
      processed: false,
      errors: '',
      created_at: iso,
    });
    fake.on('GET /v3.0/orders/actions/', () => ({
      body: { count: 1, next: null, results: [at('2024-05-01T09:00:00Z')] },
    }));
    fake.on('POST /v3.0/orders/actions/', () => ({ body: { id: 93 } }));
    const previousAttemptAt = new Date('2024-05-01T09:30:00Z');
    expect(await client().sendAction({ ...request, previousAttemptAt })).toMatchObject({ id: 93, outcome: 'posted' });
    fake.on('GET /v3.0/orders/actions/', () => ({
      body: { count: 1, next: null, results: [at('2024-05-01T09:31:00.5Z')] },
    }));
    expect(await client().sendAction({ ...request, previousAttemptAt })).toMatchObject({ outcome: 'adopted' });
    expect(fake.calls('POST /v3.0/orders/actions/')).toHaveLength(1);
  });

  it('re-posts after an ambiguous failure when the queue is still empty, within the budget', async () => {
    fake.on('GET /v3.0/orders/actions/', () => emptyList);
    fake.then('POST /v3.0/orders/actions/', { reset: true });
    fake.on('POST /v3.0/orders/actions/', () => ({ body: { id: 91 } }));
    expect(await client().sendAction(request)).toMatchObject({ id: 91, outcome: 'posted' });
    expect(fake.calls('POST /v3.0/orders/actions/')).toHaveLength(2);
    expect(fake.calls('GET /v3.0/orders/actions/')).toHaveLength(2);
  });

  it('posts again at once when the connection timed out before any byte was sent', async () => {
    const agent = new Agent();
    const wire = undiciLengowTransport(agent);
    let connectTimeouts = 0;
    const transport: LengowTransport = (url, init) => {
      if (init.method === 'POST' && url.endsWith('/v3.0/orders/actions/') && connectTimeouts === 0) {
        connectTimeouts += 1;
        return Promise.reject(new errors.ConnectTimeoutError());
      }
      return wire(url, init);
    };
    fake.on('GET /v3.0/orders/actions/', () => emptyList);
    fake.on('POST /v3.0/orders/actions/', () => ({ body: { id: 94 } }));
    try {
      expect(await client({ transport }).sendAction(request)).toMatchObject({ id: 94, outcome: 'posted' });
    } finally {
      await agent.close();
    }
    expect(connectTimeouts).toBe(1);
    expect(fake.calls('POST /v3.0/orders/actions/')).toHaveLength(1);
    // Retried inside the call, like a refused connection: no second duplicate check was needed.
    expect(fake.calls('GET /v3.0/orders/actions/')).toHaveLength(1);
  });

  it('does not repeat a POST that was refused', async () => {
    fake.on('GET /v3.0/orders/actions/', () => emptyList);
    fake.on('POST /v3.0/orders/actions/', () => ({
      status: 400,
      body: { error: { code: 400, message: 'carrier is required' } },
    }));
    const error = (await caught(client().sendAction(request))) as LengowRejected;
    expect([error.code, error.apiMessage]).toEqual(['LENGOW_REJECTED', 'carrier is required']);
    expect(fake.calls('POST /v3.0/orders/actions/')).toHaveLength(1);
  });

  it('reports a POST answer without an id as malformed', async () => {
    fake.on('GET /v3.0/orders/actions/', () => emptyList);
    fake.on('POST /v3.0/orders/actions/', () => ({ body: { ok: true } }));
    expect(await caught(client().sendAction(request))).toBeInstanceOf(LengowMalformedResponse);
  });

  it('refuses an incomplete action before any call', async () => {
    expect(await caught(client().sendAction({ ...request, marketplaceOrderId: ' ' }))).toBeInstanceOf(
      LengowInvalidRequest,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('lists actions by window, page by page, and reads one by id', async () => {
    fake.on('GET /v3.0/orders/actions/', (recorded) => {
      if (recorded.query.get('id')) {
        return {
          body: {
            count: 1,
            next: null,
            results: [{ id: Number(recorded.query.get('id')), queued: false, processed: true, errors: '' }],
          },
        };
      }
      const page = Number(recorded.query.get('page'));
      return {
        body: {
          count: 3,
          next: page === 1 ? 'p2' : null,
          results:
            page === 1 ? [{ id: 1, errors: null }, { id: 2 }] : [{ id: 3, errors: ['refused'] }, { nothing: true }],
        },
      };
    });
    const api = client();
    const pages = [];
    for await (const page of api.listActions({
      updatedFrom: new Date('2024-05-01T00:00:00Z'),
      updatedTo: new Date('2024-05-02T00:00:00Z'),
    })) {
      pages.push(page);
    }
    expect(pages.map((page) => [page.page, page.actions.map((action) => action.id), page.unreadable.length])).toEqual([
      [1, [1, 2], 0],
      [2, [3], 1],
    ]);
    expect(fake.calls('GET /v3.0/orders/actions/')[0]!.query.get('updated_from')).toBe('2024-05-01T00:00:00+00:00');
    for await (const _page of api.listActions({ marketplaceOrderId: 'DM-1', processed: false, queued: false })) break;
    expect(Object.fromEntries(fake.calls('GET /v3.0/orders/actions/').at(-1)!.query)).toMatchObject({
      marketplace_order_id: 'DM-1',
      processed: 'False',
      queued: 'False',
    });
    const action = await api.getAction(9);
    expect(action).toMatchObject({ id: 9, processed: true, errors: [] });
    expect(fake.calls('GET /v3.0/orders/actions/').at(-1)!.query.get('id')).toBe('9');
  });
});

describe('merchant order ids (moi)', () => {
  const request = { marketplace: 'Demo_Market_FR', marketplaceOrderId: 'DM-1', merchantOrderIds: ['S-1', 'S-2'] };

  it('sends JSON with the account id as a key, nothing in the URL', async () => {
    fake.on('PATCH /v3.0/orders/moi/', () => ({
      body: { marketplace_order_id: 'DM-1', merchant_order_id: ['S-1', 'S-2'] },
    }));
    await client().setMerchantOrderIds(request);
    const [call] = fake.calls('PATCH /v3.0/orders/moi/');
    expect(call!.search).toBe('');
    expect(call!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call!.body)).toEqual({
      account_id: 77,
      marketplace_order_id: 'DM-1',
      marketplace: 'demo_market_fr',
      merchant_order_id: ['S-1', 'S-2'],
    });
  });

  it.each([
    ['404 Pas trouvé.', { status: 404, body: { detail: 'Pas trouvé.' } }],
    ['200 Pas trouvé.', { status: 200, body: { detail: 'Pas trouvé.' } }],
  ])('fails with LengowOrderNotFound on %s', async (_label, answer) => {
    fake.on('PATCH /v3.0/orders/moi/', () => answer);
    const error = (await caught(client().setMerchantOrderIds(request))) as LengowOrderNotFound;
    expect(error).toBeInstanceOf(LengowOrderNotFound);
    expect([error.code, error.marketplace, error.marketplaceOrderId]).toEqual([
      'LENGOW_ORDER_NOT_FOUND',
      'demo_market_fr',
      'DM-1',
    ]);
    expect(fake.calls('PATCH /v3.0/orders/moi/')).toHaveLength(1);
  });

  it('fails with LengowRejected on an error key, even with a 2xx', async () => {
    fake.on('PATCH /v3.0/orders/moi/', () => ({
      body: { error: { code: 400, message: 'merchant_order_id must be a list' } },
    }));
    const error = (await caught(client().setMerchantOrderIds(request))) as LengowRejected;
    expect([error.code, error.apiMessage]).toEqual(['LENGOW_REJECTED', 'merchant_order_id must be a list']);
  });

  it('counts an empty answer as a failure, as the plugins do', async () => {
    fake.on('PATCH /v3.0/orders/moi/', () => ({ status: 200, body: '' }));
    expect(await caught(client().setMerchantOrderIds(request))).toBeInstanceOf(LengowMalformedResponse);
  });
});

describe('secrets', () => {
  const rejectedWith = (message: string) => ({ status: 400, body: { error: { code: 400, message } } });

  it('are not cut in half by the length limit of an echoed message, which would leave a part unscrubbed', async () => {
    const api = client();
    await firstPage(api);
    // 484 characters, then the token: the message is cut at 500, in the middle of it.
    fake.then('GET /v3.0/orders', rejectedWith(`${'x'.repeat(484)}session-1-9c8b7a6d5e4f`));
    fake.then('GET /v3.0/orders', rejectedWith(`${'x'.repeat(485)}${SECRET}`));
    for (const error of [await caught(firstPage(api)), await caught(firstPage(api))]) {
      expect(error.message).not.toMatch(/session-1|sec-a1b2/);
      expect(error.message).toMatch(/x\[redacted\]$|x\[redac$/);
    }
  });

  it('include every session token held lately, not only the current one', async () => {
    const api = client({ tokenReuseSeconds: 1 });
    await firstPage(api);
    now = new Date(now.getTime() + 2000); // the next call gets a new token; the first is still valid at Lengow
    await firstPage(api);
    fake.then('GET /v3.0/orders', rejectedWith('bad request with token session-1-9c8b7a6d5e4f'));
    const error = await caught(firstPage(api));
    expect(error.message).toContain('bad request with token [redacted]');
  });

  it('are recognised when echoed encoded as sent on the wire, or in another case', async () => {
    const api = client({ accessToken: 'tok LEAK+1/x', secret: 'sec/LEAK=2&y' });
    fake.then('POST /access/get_token', (request) => ({
      status: 401,
      body: { error: { message: `Invalid: you sent ${request.body} and ${'TOK LEAK+1/X'}` } },
    }));
    const error = await caught(firstPage(api));
    expect(error.message).not.toMatch(/LEAK/i);
    expect(error.message).toContain('[redacted]');
  });

  it('are not kept nor shown from a marketplace list that echoes them', async () => {
    const saved: unknown[] = [];
    const api = client({
      catalogueStore: { load: async () => null, save: async (_source, copy) => void saved.push(copy.body) },
    });
    fake.on('GET /v3.0/marketplaces', (request) => ({
      body: {
        demo_market_fr: { ...MARKETPLACES.demo_market_fr, name: `Demo ${String(request.headers.authorization)}` },
      },
    }));
    const catalog = await api.getMarketplaces();
    expect(catalog.definitions.get('demo_market_fr')?.name).toBe('Demo [redacted]');
    expect(JSON.stringify(saved)).not.toContain('session-');
    expect(JSON.stringify(saved)).toContain('Demo [redacted]');
  });

  it('never reach the logs or the error messages, even when the API echoes them', async () => {
    const api = client();
    await firstPage(api);
    const sessionToken = 'session-1-9c8b7a6d5e4f';
    fake.then('GET /v3.0/orders', {
      status: 400,
      body: { error: { code: 400, message: `bad token ${sessionToken} for ${ACCESS_TOKEN}/${SECRET}` } },
    });
    fake.then('GET /v3.0/orders', { status: 401 }, { status: 401 });
    fake.then('GET /v3.0/orders', { status: 500 }, { status: 500 }, { status: 500 });
    fake.then('GET /v3.0/orders', { delayMs: 200 }, { delayMs: 200 }, { delayMs: 200 });
    const errors: Error[] = [];
    errors.push(await caught(firstPage(api)));
    errors.push(await caught(firstPage(api)));
    errors.push(await caught(firstPage(api)));
    errors.push(await caught(firstPage(client({ timeoutsMs: { orders: 50 } }))));
    fake.on('POST /access/get_token', () => ({ status: 403, body: { error: { message: `refused ${ACCESS_TOKEN}` } } }));
    errors.push(await caught(firstPage(client())));
    expect(errors.map((error) => (error as LengowError).code)).toEqual([
      'LENGOW_REJECTED',
      'LENGOW_AUTH',
      'LENGOW_UNAVAILABLE',
      'LENGOW_UNAVAILABLE',
      'LENGOW_AUTH',
    ]);
    expect(errors[0]!.message).toContain('bad token [redacted]');
    const logs = logLines.join('');
    expect(logs).toContain('lengow call'); // the capture works: debug lines are there
    const texts = [
      logs,
      ...errors.map(
        (error) => `${error.message} ${JSON.stringify(error)} ${String((error as { cause?: unknown }).cause ?? '')}`,
      ),
    ];
    const tokens = ['session-1-9c8b7a6d5e4f', 'session-2-9c8b7a6d5e4f', 'session-3-9c8b7a6d5e4f'];
    for (const text of texts) {
      for (const secret of [ACCESS_TOKEN, SECRET, ...tokens]) expect(text).not.toContain(secret);
    }
  });
});
