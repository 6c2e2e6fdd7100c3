import { LengowTransportThread } from './lengow-transport-thread.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { parseOrder } from './dto/parse-order.js';
import { fetchLengowTransport } from './fetch-lengow-transport.js';
import type {
  ActionRequest,
  ActionsPage,
  ActionsQuery,
  ApiDate,
  LengowApi,
  MarketplaceCatalog,
  MerchantOrderIdsRequest,
  OrdersPage,
  OrdersQuery,
  SendActionResult,
} from './lengow-api.port.js';
import { parseActionResource, type LengowAction } from './lengow-action.js';
import {
  LengowAuthError,
  LengowInvalidRequest,
  LengowMalformedResponse,
  LengowOrderNotFound,
  LengowRateLimited,
  LengowRejected,
  LengowUnavailable,
  LengowUnknownMarketplace,
  type LengowRoute,
  type UnavailableCause,
} from './lengow-errors.js';
import { LengowTransportTimeout, type LengowTransport } from './lengow-transport.js';
import { catalogueSourceOf, type MarketplaceCatalogueStore } from './marketplace-catalogue-store.js';
import { parseMarketplaces, type MarketplaceDefinition } from './marketplace-definition.js';
import { networkFailure, type NetworkFailure } from './network-failure.js';
import { DEFAULT_RETRY_POLICY, backoffDelayMs, parseRetryAfterMs, type RetryPolicy } from './retry-policy.js';
import { scrubSecrets } from './secret-scrubber.js';
import { TokenSession, type Session } from './token-session.js';
import { UpdatedAtCursor } from './updated-at-cursor.js';

/** Total time allowed per call of each route (lengow-api.md §1, the plugins' values). */
export const DEFAULT_TIMEOUTS_MS: Readonly<Record<LengowRoute, number>> = {
  token: 10_000,
  orders: 20_000,
  moi: 10_000,
  actions: 15_000,
  marketplaces: 15_000,
};

export interface HttpLengowApiOptions {
  /** e.g. `https://api.lengow.io`, or the emulator's URL. */
  baseUrl: string;
  accessToken: string;
  secret: string;
  /** Used only when the token answer carries no `account_id`. */
  accountId?: number;
  logger?: Logger;
  /** Per-route total timeouts (request and body), in milliseconds. */
  timeoutsMs?: Partial<Record<LengowRoute, number>>;
  retry?: Partial<RetryPolicy>;
  /** How long a session token is reused; 3000 s by default (of a 3600 s lifetime). */
  tokenReuseSeconds?: number;
  /** How long downloaded marketplace definitions are fresh; 12 h by default. */
  marketplacesTtlMs?: number;
  /** After a failed refresh, the stale definitions are served without retrying for this long; 60 s by default. */
  marketplacesRetryAfterFailureMs?: number;
  /** An unknown code forces a refresh at most once per this interval per code; 5 min by default. */
  unknownMarketplaceRefreshIntervalMs?: number;
  /**
   * Keeps the last downloaded marketplace list across restarts: restored when the connector has none in memory, fresh
   * for the rest of its TTL, and served stale when Lengow cannot be reached. Without it, memory only.
   */
  catalogueStore?: MarketplaceCatalogueStore;
  /** Page size of list calls, 1..100; 100 by default. */
  pageSize?: number;
  clock?: () => Date;
  /** Waits between retries; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Carries the requests; by default undici's request API on a keep-alive agent, on the connector's own thread. */
  transport?: LengowTransport;
  /** A fetch-compatible function to carry the requests instead (tests observe or stub the wire with it). */
  fetch?: typeof fetch;
  userAgent?: string;
}

type RequestBody = { kind: 'form'; fields: Record<string, string> } | { kind: 'json'; value: Record<string, unknown> };

interface CallSpec {
  route: LengowRoute;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string>;
  body?: RequestBody;
  /** Sends the session token and the account id. */
  auth: boolean;
  /**
   * Whether a timeout, a 5xx or a dropped connection may be retried here. False for non-idempotent POSTs: the first
   * attempt may have been processed, so the caller decides (after the duplicate guard).
   */
  retryAmbiguous: boolean;
}

interface ApiResponse {
  status: number;
  body: unknown;
}

type Exchange =
  | { kind: 'response'; status: number; retryAfter: string | null; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; failure: NetworkFailure };

interface Envelope {
  count: number;
  next: unknown;
  results: unknown[];
}

const MAX_PAGE_SIZE = 100;
const NOT_FOUND_DETAILS = new Set(['Pas trouvé.', 'Not found.']);
/** How far Lengow's clock may be behind ours when matching an action by its creation time. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** fetch's redirect statuses: with `redirect: 'error'` it failed on these, and every transport must still refuse them. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The Lengow v3 API over HTTP (undici's request API unless another transport is given). Guarantees, per call:
 * - the session token is fetched once and shared, reused for `tokenReuseSeconds`, refreshed once on 401/403 with the
 *   call retried once; a second refusal is `LengowAuthError`;
 * - `account_id` is sent on every authorised call (query for GET, form field for action POST, JSON key for moi);
 * - each route has its own total timeout; 429 honours `Retry-After` up to `retry.maxRetryAfterMs`; timeouts, 5xx and
 *   dropped connections are retried with exponential backoff and full jitter up to `retry.maxAttempts` attempts,
 *   except where a retry could duplicate a side effect (action POST, which re-runs the duplicate guard instead);
 *   other 4xx fail at once with `LengowRejected`;
 * - neither the credentials nor the session token appear in logs or error messages;
 * - redirects are not followed (they could carry the token to another host): one counts as a network failure.
 */
export class HttpLengowApi implements LengowApi {
  private readonly baseUrl: string;
  private readonly logger: Logger;
  private readonly timeouts: Record<LengowRoute, number>;
  private readonly retry: RetryPolicy;
  private readonly session: TokenSession;
  private readonly clock: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly transport: LengowTransport;
  /** The default transport's thread (undici on a keep-alive agent); absent when the caller brought a transport. */
  private readonly transportThread: LengowTransportThread | null;
  private readonly pageSize: number;

  private catalog: { definitions: ReadonlyMap<string, MarketplaceDefinition>; fetchedAtMs: number } | null = null;
  private catalogRefresh: Promise<MarketplaceCatalog> | null = null;
  private catalogRestore: Promise<void> | null = null;
  private catalogFailedAtMs: number | null = null;
  private readonly catalogueSource: string;
  private readonly unknownRefreshedAt = new Map<string, number>();

  constructor(private readonly options: HttpLengowApiOptions) {
    if (!options.baseUrl) throw new LengowInvalidRequest('baseUrl is required');
    if (!options.accessToken || !options.secret) throw new LengowInvalidRequest('accessToken and secret are required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.catalogueSource = catalogueSourceOf(this.baseUrl);
    this.logger = (options.logger ?? silentLogger()).child({ component: 'lengow-api' });
    this.timeouts = { ...DEFAULT_TIMEOUTS_MS, ...options.timeoutsMs };
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    if (this.retry.maxAttempts < 1) this.retry.maxAttempts = 1;
    this.clock = options.clock ?? (() => new Date());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.pageSize = checkPageSize(options.pageSize ?? MAX_PAGE_SIZE);
    this.session = new TokenSession(
      () => this.fetchSession(),
      (options.tokenReuseSeconds ?? 3000) * 1000,
      () => this.clock().getTime(),
    );
    if (options.transport || options.fetch) {
      this.transportThread = null;
      this.transport = options.transport ?? fetchLengowTransport(options.fetch!);
    } else {
      this.transportThread = new LengowTransportThread(this.logger);
      this.transport = this.transportThread.transport;
    }
  }

  /** Lets in-flight calls finish, then closes the pooled connections; later calls fail as network failures. */
  async close(): Promise<void> {
    await this.transportThread?.close();
  }

  // ---------------------------------------------------------------- orders

  async *listOrders(query: OrdersQuery): AsyncGenerator<OrdersPage, void, undefined> {
    const oneOrder = query.marketplace !== undefined || query.marketplaceOrderId !== undefined;
    const params = oneOrder ? this.oneOrderParams(query) : this.windowParams(query);
    const pageSize = checkPageSize(query.pageSize ?? this.pageSize);
    const cursor =
      !oneOrder && query.ordering === 'updated_at' && params.updated_from !== undefined
        ? new UpdatedAtCursor(params.updated_from)
        : null;
    for (let page = 1; ; page += 1) {
      const pageParams = { ...params };
      const at = cursor?.next() ?? { updatedFrom: null, page };
      if (at.updatedFrom) pageParams.updated_from = formatApiDate(at.updatedFrom, 'updated_from');
      // The plugins fetch one order without paging; later pages are asked for only if the API announces them.
      if (!oneOrder || page > 1) Object.assign(pageParams, { page: String(at.page), page_size: String(pageSize) });
      const response = await this.listPage(at.page, {
        route: 'orders',
        method: 'GET',
        path: '/v3.0/orders',
        query: pageParams,
        auth: true,
        retryAmbiguous: true,
      });
      if (!response) return;
      const envelope = this.envelope(response, 'orders');
      const received = envelope.results.map((raw) => parseOrder(raw));
      const orders = cursor ? cursor.take(received) : received;
      for (const parsed of orders) {
        if (!parsed.ok) {
          this.logger.warn(
            {
              marketplace: parsed.marketplace,
              marketplaceOrderId: parsed.marketplaceOrderId,
              reason: parsed.reason,
              page,
            },
            'lengow order not formatted',
          );
        }
      }
      yield { page, count: envelope.count, hasNext: envelope.next !== null, orders };
      if (envelope.next === null) return;
      if (envelope.results.length === 0) {
        // Following `next` past an empty page could loop for ever on a confused server.
        throw new LengowMalformedResponse(`orders page ${page} is empty but announces a next page`, 'orders');
      }
    }
  }

  private oneOrderParams(query: OrdersQuery): Record<string, string> {
    const marketplace = query.marketplace?.trim().toLowerCase();
    const orderId = query.marketplaceOrderId?.trim();
    if (!marketplace || !orderId) {
      throw new LengowInvalidRequest('a one-order query needs both marketplace and marketplaceOrderId');
    }
    return { marketplace, marketplace_order_id: orderId };
  }

  private windowParams(query: OrdersQuery): Record<string, string> {
    const params: Record<string, string> = {};
    const dates: [string, ApiDate | undefined][] = [
      ['updated_from', query.updatedFrom],
      ['updated_to', query.updatedTo],
      ['marketplace_order_date_from', query.marketplaceOrderDateFrom],
      ['marketplace_order_date_to', query.marketplaceOrderDateTo],
    ];
    for (const [name, value] of dates) if (value !== undefined) params[name] = formatApiDate(value, name);
    if (query.merchantOrderId !== undefined) params.merchant_order_id = query.merchantOrderId;
    else if (query.onlyWithoutMerchantOrderId) params.merchant_order_id = 'None';
    if (query.catalogIds?.length) params.catalog_ids = query.catalogIds.join(',');
    if (query.ordering) params.ordering = query.ordering;
    if (query.noCurrencyConversion !== undefined)
      params.no_currency_conversion = query.noCurrencyConversion ? '1' : '0';
    return params;
  }

  // ---------------------------------------------------------------- marketplaces

  async getMarketplaces(): Promise<MarketplaceCatalog> {
    if (!this.catalog) await this.restoreMarketplaces();
    const now = this.clock().getTime();
    const ttl = this.options.marketplacesTtlMs ?? 12 * 3600_000;
    if (this.catalog && now - this.catalog.fetchedAtMs < ttl) return this.catalogView(false);
    const pause = this.options.marketplacesRetryAfterFailureMs ?? 60_000;
    if (this.catalog && this.catalogFailedAtMs !== null && now - this.catalogFailedAtMs < pause) {
      return this.catalogView(true);
    }
    try {
      return await this.refreshMarketplaces();
    } catch (error) {
      if (!this.catalog) throw error;
      this.catalogFailedAtMs = now;
      this.logger.warn(
        { code: codeOf(error), fetchedAt: new Date(this.catalog.fetchedAtMs).toISOString() },
        'lengow marketplaces refresh failed, serving the stale copy',
      );
      return this.catalogView(true);
    }
  }

  async getMarketplace(code: string): Promise<MarketplaceDefinition> {
    const key = code.trim().toLowerCase();
    if (key === '') throw new LengowInvalidRequest('marketplace code is empty');
    const known = (await this.getMarketplaces()).definitions.get(key);
    if (known) return known;
    const now = this.clock().getTime();
    const interval = this.options.unknownMarketplaceRefreshIntervalMs ?? 5 * 60_000;
    const last = this.unknownRefreshedAt.get(key);
    if (last !== undefined && now - last < interval) throw new LengowUnknownMarketplace(key);
    this.logger.info({ marketplace: key }, 'unknown lengow marketplace, refreshing the definitions once');
    // A failed refresh proves nothing about the code, so its error propagates instead of "unknown".
    const refreshed = await this.refreshMarketplaces();
    this.unknownRefreshedAt.set(key, now);
    const found = refreshed.definitions.get(key);
    if (!found) throw new LengowUnknownMarketplace(key);
    return found;
  }

  /**
   * The list the store kept from an earlier download (by this process before a restart, or by another one), when
   * there is none in memory: a Lengow outage right after a restart then still finds the definitions, as the plugins
   * find their cached file. A store that cannot be read is only a missed fallback, never a failed call.
   */
  private restoreMarketplaces(): Promise<void> {
    const store = this.options.catalogueStore;
    if (!store) return Promise.resolve();
    this.catalogRestore ??= (async () => {
      try {
        const stored = await store.load(this.catalogueSource);
        const parsed = stored ? parseMarketplaces(stored.body) : null;
        const fetchedAtMs = stored ? Date.parse(stored.fetchedAt) : NaN;
        if (this.catalog || !parsed || parsed.definitions.size === 0 || !Number.isFinite(fetchedAtMs)) return;
        this.catalog = { definitions: parsed.definitions, fetchedAtMs };
        this.logger.info(
          { fetchedAt: stored!.fetchedAt, marketplaces: parsed.definitions.size },
          'lengow marketplaces restored from the last download',
        );
      } catch (error) {
        this.logger.warn({ err: this.scrub(messageOf(error)) }, 'stored lengow marketplaces could not be read');
      }
    })().finally(() => {
      this.catalogRestore = null;
    });
    return this.catalogRestore;
  }

  private async persistMarketplaces(body: unknown, fetchedAtMs: number): Promise<void> {
    const store = this.options.catalogueStore;
    if (!store) return;
    try {
      await store.save(this.catalogueSource, { body, fetchedAt: new Date(fetchedAtMs).toISOString() });
    } catch (error) {
      this.logger.warn({ err: this.scrub(messageOf(error)) }, 'lengow marketplaces could not be stored');
    }
  }

  private refreshMarketplaces(): Promise<MarketplaceCatalog> {
    this.catalogRefresh ??= this.downloadMarketplaces().finally(() => {
      this.catalogRefresh = null;
    });
    return this.catalogRefresh;
  }

  private async downloadMarketplaces(): Promise<MarketplaceCatalog> {
    const response = await this.call({
      route: 'marketplaces',
      method: 'GET',
      path: '/v3.0/marketplaces',
      query: {},
      auth: true,
      retryAmbiguous: true,
    });
    // Kept in the database and shown (labels, failure reasons): an echoed credential must not travel with it.
    const body = this.scrubJson(response.body);
    const parsed = parseMarketplaces(body);
    if (!parsed) {
      throw new LengowMalformedResponse(
        'marketplaces answer is not an object keyed by code',
        'marketplaces',
        response.status,
      );
    }
    if (parsed.problems.length > 0) {
      this.logger.warn(
        { problems: parsed.problems.slice(0, 20), total: parsed.problems.length },
        'lengow marketplace definitions partly unreadable',
      );
    }
    const fetchedAtMs = this.clock().getTime();
    this.catalog = { definitions: parsed.definitions, fetchedAtMs };
    this.catalogFailedAtMs = null;
    // An answer nothing could be read from must not replace the last good list kept for the next outage.
    if (parsed.definitions.size > 0) await this.persistMarketplaces(body, fetchedAtMs);
    return this.catalogView(false);
  }

  private catalogView(stale: boolean): MarketplaceCatalog {
    const catalog = this.catalog!;
    return { definitions: catalog.definitions, fetchedAt: new Date(catalog.fetchedAtMs).toISOString(), stale };
  }

  // ---------------------------------------------------------------- actions

  async sendAction(request: ActionRequest): Promise<SendActionResult> {
    const fields = actionFields(request);
    // The plugins' guard: the same parameters plus queued=True, minus the dates that differ on every attempt.
    const { shipping_date: _shippingDate, delivery_date: _deliveryDate, ...guard } = fields;
    const context = {
      marketplace: fields.marketplace,
      marketplaceOrderId: fields.marketplace_order_id,
      actionType: fields.action_type,
    };
    // Once a POST may have reached Lengow, the action may already have left the queue; from then on, identical
    // actions created since that attempt count as well.
    let unsureSince = request.previousAttemptAt ? request.previousAttemptAt.getTime() : null;
    for (let attempt = 1; ; attempt += 1) {
      const existingIds = await this.existingActionIds(guard, unsureSince);
      if (existingIds.length > 0) {
        this.logger.info({ ...context, id: existingIds[0] }, 'identical lengow action already exists, adopting it');
        return { id: existingIds[0]!, outcome: 'adopted', existingIds };
      }
      const postedAt = this.clock().getTime();
      try {
        const response = await this.call({
          route: 'actions',
          method: 'POST',
          path: '/v3.0/orders/actions/',
          body: { kind: 'form', fields },
          auth: true,
          retryAmbiguous: false,
        });
        const created = parseActionResource(response.body);
        if (!created) {
          throw new LengowMalformedResponse(
            "can't create action: the answer has no action id",
            'actions',
            response.status,
          );
        }
        this.logger.info({ ...context, id: created.id }, 'lengow action posted');
        return { id: created.id, outcome: 'posted', existingIds: [] };
      } catch (error) {
        if (!(error instanceof LengowUnavailable) || attempt >= this.retry.maxAttempts) throw error;
        unsureSince ??= postedAt;
        const delayMs = backoffDelayMs(attempt, this.retry, this.random);
        this.logger.warn(
          { ...context, route: 'actions', reason: error.reason, status: error.status, attempt, delayMs },
          'lengow action POST outcome unknown, checking for it before posting again',
        );
        await this.sleep(delayMs);
      }
    }
  }

  /**
   * Ids of actions identical to `guard`: queued ones, and, when `since` is set, those created since then (less a
   * clock-skew margin) whatever their state.
   */
  private async existingActionIds(guard: Record<string, string>, since: number | null): Promise<number[]> {
    const ids: number[] = [];
    const params = since === null ? { ...guard, queued: 'True' } : { ...guard };
    for await (const page of this.actionPages(params)) {
      for (const action of page.actions) {
        if (!sameAction(action, guard)) continue;
        const createdAt = action.createdAt === null ? NaN : Date.parse(action.createdAt);
        const recent = since !== null && createdAt >= since - CLOCK_SKEW_MS;
        if (action.queued === true || (since === null && action.queued === null) || recent) ids.push(action.id);
      }
    }
    return ids;
  }

  listActions(query: ActionsQuery): AsyncIterable<ActionsPage> {
    const params: Record<string, string> = { ...query.extra };
    if (query.id !== undefined) params.id = String(query.id);
    if (query.marketplaceOrderId !== undefined) params.marketplace_order_id = query.marketplaceOrderId;
    if (query.marketplace !== undefined) params.marketplace = query.marketplace.trim().toLowerCase();
    if (query.actionType !== undefined) params.action_type = query.actionType;
    if (query.line !== undefined) params.line = query.line;
    if (query.updatedFrom !== undefined) params.updated_from = formatApiDate(query.updatedFrom, 'updated_from');
    if (query.updatedTo !== undefined) params.updated_to = formatApiDate(query.updatedTo, 'updated_to');
    if (query.queued !== undefined) params.queued = query.queued ? 'True' : 'False';
    if (query.processed !== undefined) params.processed = query.processed ? 'True' : 'False';
    return this.actionPages(params, checkPageSize(query.pageSize ?? this.pageSize));
  }

  async getAction(id: number): Promise<LengowAction | null> {
    for await (const page of this.listActions({ id })) {
      const found = page.actions.find((action) => action.id === id);
      if (found) return found;
    }
    return null;
  }

  private async *actionPages(params: Record<string, string>, pageSize = this.pageSize): AsyncGenerator<ActionsPage> {
    for (let page = 1; ; page += 1) {
      const response = await this.listPage(page, {
        route: 'actions',
        method: 'GET',
        path: '/v3.0/orders/actions/',
        query: { ...params, page: String(page), page_size: String(pageSize) },
        auth: true,
        retryAmbiguous: true,
      });
      if (!response) return;
      const envelope = this.envelope(response, 'actions');
      const actions: LengowAction[] = [];
      const unreadable: unknown[] = [];
      for (const raw of envelope.results) {
        const action = parseActionResource(raw);
        if (action) actions.push(action);
        else unreadable.push(raw);
      }
      if (unreadable.length > 0)
        this.logger.warn({ page, count: unreadable.length }, 'lengow actions without a usable id');
      yield { page, count: envelope.count, hasNext: envelope.next !== null, actions, unreadable };
      if (envelope.next === null) return;
      if (envelope.results.length === 0) {
        throw new LengowMalformedResponse(`actions page ${page} is empty but announces a next page`, 'actions');
      }
    }
  }

  /**
   * One page of a list. A 404 on a later page means the list shrank while it was read (orders left the window):
   * the listing ends there instead of failing, and the next overlapping window picks up what moved.
   */
  private async listPage(page: number, spec: CallSpec): Promise<ApiResponse | null> {
    try {
      return await this.call(spec);
    } catch (error) {
      if (page > 1 && error instanceof LengowRejected && error.status === 404) {
        this.logger.warn(
          { route: spec.route, page, apiMessage: error.apiMessage },
          'lengow list ended early: page gone',
        );
        return null;
      }
      throw error;
    }
  }

  // ---------------------------------------------------------------- moi

  async setMerchantOrderIds(request: MerchantOrderIdsRequest): Promise<void> {
    const marketplace = request.marketplace.trim().toLowerCase();
    const marketplaceOrderId = request.marketplaceOrderId.trim();
    if (!marketplace || !marketplaceOrderId) {
      throw new LengowInvalidRequest('moi needs a marketplace and a marketplace order id');
    }
    const notFound = () =>
      new LengowOrderNotFound(
        `lengow does not know order ${marketplaceOrderId} of ${marketplace}`,
        marketplace,
        marketplaceOrderId,
      );
    let response: ApiResponse;
    try {
      response = await this.call({
        route: 'moi',
        method: 'PATCH',
        path: '/v3.0/orders/moi/',
        body: {
          kind: 'json',
          value: {
            marketplace_order_id: marketplaceOrderId,
            marketplace,
            merchant_order_id: request.merchantOrderIds.map(String),
          },
        },
        auth: true,
        retryAmbiguous: true,
      });
    } catch (error) {
      if (error instanceof LengowRejected && error.apiMessage !== null && NOT_FOUND_DETAILS.has(error.apiMessage))
        throw notFound();
      throw error;
    }
    const body = response.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      // The plugins count an empty answer as a failure too: nothing confirms the ids were stored.
      throw new LengowMalformedResponse('moi answer is not an object', 'moi', response.status);
    }
    const record = body as Record<string, unknown>;
    if (typeof record.detail === 'string' && NOT_FOUND_DETAILS.has(record.detail)) throw notFound();
    if (record.error !== undefined && record.error !== null) {
      const message = this.scrub(apiMessageOf(record) ?? 'moi refused');
      throw new LengowRejected(`lengow moi refused: ${message}`, 'moi', response.status, message);
    }
  }

  // ---------------------------------------------------------------- transport

  private async fetchSession(): Promise<Omit<Session, 'obtainedAt'>> {
    const response = await this.call({
      route: 'token',
      method: 'POST',
      path: '/access/get_token',
      body: { kind: 'form', fields: { access_token: this.options.accessToken, secret: this.options.secret } },
      auth: false,
      retryAmbiguous: true,
    });
    const body = response.body as Record<string, unknown> | null;
    const token = body && typeof body === 'object' ? body.token : undefined;
    if (typeof token !== 'string' || token.trim() === '') {
      throw new LengowMalformedResponse('token answer has no token', 'token', response.status);
    }
    const rawAccount = body!.account_id;
    const accountId =
      typeof rawAccount === 'number'
        ? rawAccount
        : typeof rawAccount === 'string' && /^\d+$/.test(rawAccount)
          ? Number(rawAccount)
          : this.options.accountId;
    if (accountId === undefined || !Number.isSafeInteger(accountId)) {
      throw new LengowMalformedResponse('token answer has no account_id', 'token', response.status);
    }
    this.logger.info({ accountId }, 'lengow session token obtained');
    return { token, accountId };
  }

  private async call(spec: CallSpec): Promise<ApiResponse> {
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      const session = spec.auth ? await this.session.get() : null;
      const startedAt = Date.now();
      const exchange = await this.exchange(spec, session);
      const durationMs = Date.now() - startedAt;
      const context = { route: spec.route, method: spec.method, path: spec.path, attempt, durationMs };

      if (exchange.kind === 'response') {
        const { status } = exchange;
        this.logger.debug({ ...context, status }, 'lengow call');
        if (status >= 200 && status < 300) return { status, body: this.parseBody(exchange.text, spec.route, status) };

        const apiMessage = this.apiMessage(exchange.text);
        if (status === 401 || status === 403) {
          if (!spec.auth) {
            throw new LengowAuthError(
              `lengow refused the credentials: HTTP ${status}${suffix(apiMessage)}`,
              spec.route,
              status,
            );
          }
          if (refreshed) {
            throw new LengowAuthError(
              `lengow refused a fresh token: HTTP ${status}${suffix(apiMessage)}`,
              spec.route,
              status,
            );
          }
          refreshed = true;
          this.session.invalidate(session!.token);
          this.logger.info({ ...context, status }, 'lengow token refused, refreshing it and retrying once');
          attempt -= 1; // the refresh is not a transient failure and does not spend the retry budget
          continue;
        }
        if (status === 429) {
          const retryAfterMs = parseRetryAfterMs(exchange.retryAfter, this.clock());
          if (
            (retryAfterMs !== null && retryAfterMs > this.retry.maxRetryAfterMs) ||
            attempt >= this.retry.maxAttempts
          ) {
            throw new LengowRateLimited(
              `lengow rate limit on ${spec.route}${retryAfterMs !== null ? `, retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''}${suffix(apiMessage)}`,
              spec.route,
              retryAfterMs,
            );
          }
          await this.pause(
            context,
            `HTTP 429`,
            retryAfterMs ?? backoffDelayMs(attempt, this.retry, this.random),
            status,
          );
          continue;
        }
        if (status >= 500 || status === 408) {
          if (!spec.retryAmbiguous || attempt >= this.retry.maxAttempts) {
            throw this.unavailable(spec, 'server_error', attempt, `HTTP ${status}${suffix(apiMessage)}`, status);
          }
          await this.pause(context, `HTTP ${status}`, backoffDelayMs(attempt, this.retry, this.random), status);
          continue;
        }
        throw new LengowRejected(
          `lengow ${spec.route} call rejected: HTTP ${status}${suffix(apiMessage)}`,
          spec.route,
          status,
          apiMessage,
        );
      }

      const reason: UnavailableCause = exchange.kind === 'timeout' ? 'timeout' : 'network';
      const detail =
        exchange.kind === 'timeout'
          ? `API call has been blocked by a timeout (${this.timeouts[spec.route]} ms)`
          : `connection failed (${exchange.failure.code})`;
      this.logger.debug({ ...context, reason }, 'lengow call failed');
      // A request that never left (refused connection, connect timeout, failed DNS lookup) can be repeated, even a POST.
      const retryable = spec.retryAmbiguous || (exchange.kind === 'network' && exchange.failure.unsent);
      if (!retryable || attempt >= this.retry.maxAttempts) {
        throw this.unavailable(
          spec,
          reason,
          attempt,
          detail,
          undefined,
          exchange.kind === 'network' ? exchange.failure.cause : undefined,
        );
      }
      await this.pause(context, reason, backoffDelayMs(attempt, this.retry, this.random));
    }
  }

  private async pause(
    context: Record<string, unknown>,
    reason: string,
    delayMs: number,
    status?: number,
  ): Promise<void> {
    this.logger.warn({ ...context, status, reason, delayMs }, 'lengow call failed, retrying');
    await this.sleep(delayMs);
  }

  private unavailable(
    spec: CallSpec,
    reason: UnavailableCause,
    attempts: number,
    detail: string,
    status?: number,
    cause?: Error,
  ): LengowUnavailable {
    const error = new LengowUnavailable(
      `Lengow API is unavailable on ${spec.route} after ${attempts} attempt(s): ${detail}`,
      spec.route,
      reason,
      attempts,
      status,
      cause === undefined ? undefined : { cause },
    );
    this.logger.warn({ route: spec.route, code: error.code, reason, status, attempts }, 'lengow call gave up');
    return error;
  }

  private async exchange(spec: CallSpec, session: Session | null): Promise<Exchange> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'lengow-sync',
    };
    if (session) headers.Authorization = session.token; // the raw token: Lengow takes no "Bearer" prefix
    let query = spec.query;
    let body: string | undefined;
    if (spec.body?.kind === 'form') {
      const fields = session ? { account_id: String(session.accountId), ...spec.body.fields } : spec.body.fields;
      body = new URLSearchParams(fields).toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    } else if (spec.body?.kind === 'json') {
      const value = session ? { account_id: session.accountId, ...spec.body.value } : spec.body.value;
      body = JSON.stringify(value);
      headers['Content-Type'] = 'application/json';
    } else if (session) {
      query = { account_id: String(session.accountId), ...query };
    }
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    try {
      const response = await this.transport(`${this.baseUrl}${spec.path}${search}`, {
        method: spec.method,
        headers,
        body,
        timeoutMs: this.timeouts[spec.route],
      });
      // The timeout covers the body too: a server that stalls mid-body is as unavailable as a silent one. Reading it
      // whatever the status also hands the connection back to the pool.
      const text = await response.text();
      if (REDIRECT_STATUSES.has(response.status)) {
        return { kind: 'network', failure: networkFailure(new RedirectRefused(response.status)) };
      }
      return { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after'), text };
    } catch (error) {
      if (error instanceof LengowTransportTimeout) return { kind: 'timeout' };
      return { kind: 'network', failure: networkFailure(error) };
    }
  }

  private parseBody(text: string, route: LengowRoute, status: number): unknown {
    if (text.trim() === '') return null;
    try {
      return JSON.parse(text);
    } catch {
      throw new LengowMalformedResponse(`lengow ${route} answer is not JSON (HTTP ${status})`, route, status);
    }
  }

  private envelope(response: ApiResponse, route: LengowRoute): Envelope {
    const body = response.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new LengowMalformedResponse(`lengow ${route} answer is not a list envelope`, route, response.status);
    }
    const record = body as Record<string, unknown>;
    if (!Array.isArray(record.results)) {
      throw new LengowMalformedResponse(`lengow ${route} answer has no results list`, route, response.status);
    }
    if (!('next' in record) || (record.next !== null && typeof record.next !== 'string')) {
      throw new LengowMalformedResponse(`lengow ${route} answer has no usable next`, route, response.status);
    }
    const count = typeof record.count === 'number' ? record.count : record.results.length;
    return { count, next: record.next, results: record.results };
  }

  /** The API's own explanation of an error, scrubbed; null when the body has none. */
  private apiMessage(text: string): string | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    const message = apiMessageOf(parsed);
    // Scrubbed before it is cut: cut first, a credential straddling the cut would survive in part.
    return message === null ? null : this.scrub(message).slice(0, 500);
  }

  private scrubJson(body: unknown): unknown {
    const text = JSON.stringify(body);
    const scrubbed = this.scrub(text);
    return scrubbed === text ? body : (JSON.parse(scrubbed) as unknown);
  }

  private scrub(text: string): string {
    return scrubSecrets(text, [this.options.accessToken, this.options.secret, ...this.session.heldTokens()]);
  }
}

function suffix(apiMessage: string | null): string {
  return apiMessage ? ` - ${apiMessage}` : '';
}

function apiMessageOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (error && typeof error === 'object' && typeof (error as Record<string, unknown>).message === 'string') {
    return (error as Record<string, unknown>).message as string;
  }
  if (typeof error === 'string') return error;
  if (typeof record.detail === 'string') return record.detail;
  return null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function codeOf(error: unknown): string {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : 'UNKNOWN';
}

/** fetch's `redirect: 'error'` failure ("unexpected redirect"), given a code so it reads like the other causes. */
class RedirectRefused extends Error {
  readonly code = 'UNEXPECTED_REDIRECT';

  constructor(status: number) {
    super(`unexpected redirect (HTTP ${status})`);
    this.name = 'RedirectRefused';
  }
}

function checkPageSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new LengowInvalidRequest(`page size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

/**
 * ISO 8601 with an explicit offset. A `Date` is written in UTC as `+00:00` (PHP's `date('c')` style); a string is
 * sent as written once checked, because its offset is the caller's intent.
 */
export function formatApiDate(value: ApiDate, name: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new LengowInvalidRequest(`${name} is an invalid date`);
    return value.toISOString().replace(/\.\d{3}Z$/, '+00:00');
  }
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new LengowInvalidRequest(`${name} must be ISO 8601 with an offset, got ${JSON.stringify(value)}`);
  }
  return value;
}

function actionFields(request: ActionRequest): Record<string, string> {
  const marketplace = request.marketplace?.trim().toLowerCase();
  const marketplaceOrderId = request.marketplaceOrderId?.trim();
  const actionType = request.actionType?.trim();
  if (!marketplace) throw new LengowInvalidRequest('marketplace name is required');
  if (!marketplaceOrderId) throw new LengowInvalidRequest('marketplace order reference is required');
  if (!actionType) throw new LengowInvalidRequest('action type is required');
  const fields: Record<string, string> = {
    marketplace_order_id: marketplaceOrderId,
    marketplace,
    action_type: actionType,
  };
  if (request.line !== undefined && request.line !== null && request.line !== '') fields.line = String(request.line);
  for (const [name, value] of Object.entries(request.args ?? {})) {
    if (value === null || value === undefined) continue;
    if (name in fields) throw new LengowInvalidRequest(`argument ${name} would override a base field`);
    fields[name] = String(value);
  }
  return fields;
}

/** The server filters by these fields, but an action is adopted only if it visibly is the same one. */
function sameAction(action: LengowAction, guard: Record<string, string>): boolean {
  if (action.marketplaceOrderId !== null && action.marketplaceOrderId !== guard.marketplace_order_id) return false;
  if (action.actionType !== null && action.actionType !== guard.action_type) return false;
  if (action.marketplace !== null && action.marketplace !== guard.marketplace) return false;
  if (guard.line !== undefined && action.line !== null && action.line !== guard.line) return false;
  return true;
}
