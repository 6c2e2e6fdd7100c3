import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actionResource, type ActionFilter } from './action-store.js';
import type { FaultInjector } from './fault-injector.js';
import {
  badRequest,
  booleanParam,
  dateParam,
  FormBody,
  positiveInt,
  single,
  UnsupportedBody,
  type QueryValues,
} from './http-input.js';
import type { JsonObject, OrderQuery } from './order-store.js';
import { SandboxError, type SandboxState } from './sandbox-state.js';
import type { TokenStore } from './token-store.js';

/**
 * The Lengow API v3 routes (lengow-api.md §1, §2, §4, §5, §7), speaking the plugins' wire format.
 */

export interface ApiContext {
  state: SandboxState;
  tokens: TokenStore;
  faults: FaultInjector;
  /** When set, `/access/get_token` accepts only this pair. */
  credentials: { accessToken?: string; secret?: string };
  /** Fallback origin for `next`/`previous` links when a request carries no Host header. */
  origin: () => string;
  /** Paging sessions a `duplicate_across_pages` fault shifted, remembered until their reader asks page 1 again. */
  maxShiftedPagings?: number;
}

/** DRF caps page_size at the paginator's maximum rather than refusing it; the sandbox does the same. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 100;
export const DEFAULT_MAX_SHIFTED_PAGINGS = 1000;

const FORM = 'application/x-www-form-urlencoded';

const ORDER_FILTER_PARAMS = new Set(['account_id', 'page', 'page_size']);
const ACTION_NON_FIELD_PARAMS = new Set([
  'account_id',
  'page',
  'page_size',
  'id',
  'queued',
  'processed',
  'updated_from',
  'updated_to',
]);

function formFields(request: FastifyRequest, route: string): QueryValues {
  const body = request.body;
  if (body instanceof FormBody) return body.fields;
  if (body === undefined || body === null) throw badRequest(`${route} expects an ${FORM} body, got no body`);
  const contentType =
    body instanceof UnsupportedBody ? body.contentType : String(request.headers['content-type'] ?? 'no content type');
  throw badRequest(`${route} expects an ${FORM} body, got ${/json/i.test(contentType) ? 'JSON' : contentType}`);
}

function requireField(fields: QueryValues, name: string): string {
  const value = single(fields, name);
  if (value === undefined || value.trim() === '') throw badRequest(`${name} is required`);
  return value;
}

/** Checks the raw-token Authorization header and the account_id parameter; returns the account id. */
function authorise(ctx: ApiContext, request: FastifyRequest, accountIdValue: unknown): number {
  const header = request.headers.authorization;
  if (header === undefined || header === '') throw new SandboxError(401, 'Authorization header is missing');
  if (/^bearer\s/i.test(header))
    throw new SandboxError(401, 'Authorization must carry the raw token, without a "Bearer" prefix');
  const check = ctx.tokens.check(header.trim());
  if (!check.ok) throw new SandboxError(401, check.reason === 'expired' ? 'Token has expired' : 'Invalid token');
  if (accountIdValue === undefined || accountIdValue === null || accountIdValue === '')
    throw new SandboxError(403, 'account_id is required');
  if (Array.isArray(accountIdValue)) throw badRequest('account_id was given more than once');
  if (String(accountIdValue) !== String(check.token.accountId)) {
    throw new SandboxError(403, `account_id ${String(accountIdValue)} does not match the token's account`);
  }
  return check.token.accountId;
}

function origin(ctx: ApiContext, request: FastifyRequest): string {
  const host = request.headers.host;
  return host ? `${request.protocol}://${host}` : ctx.origin();
}

function pageLinks(
  ctx: ApiContext,
  request: FastifyRequest,
  path: string,
  params: URLSearchParams,
  page: number,
  pageSize: number,
  count: number,
) {
  const link = (target: number) => {
    const copy = new URLSearchParams(params);
    copy.set('page', String(target));
    copy.set('page_size', String(pageSize));
    return `${origin(ctx, request)}${path}?${copy.toString()}`;
  };
  const lastPage = Math.max(1, Math.ceil(count / pageSize));
  return { next: page < lastPage ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null };
}

export function registerApiRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { state } = ctx;
  /** Paging sessions shifted by a `duplicate_across_pages` fault: query (without page) → first shifted page. */
  const shiftedPagings = new Map<string, number>();
  const rememberShiftedPaging = (key: string, page: number) => {
    shiftedPagings.set(key, page);
    // Each window's query is a session of its own and a reader need not come back to page 1 of it: without a bound, a
    // fault left on for days would keep one entry per window ever read. The oldest sessions are long finished.
    for (const oldest of shiftedPagings.keys()) {
      if (shiftedPagings.size <= (ctx.maxShiftedPagings ?? DEFAULT_MAX_SHIFTED_PAGINGS)) break;
      shiftedPagings.delete(oldest);
    }
  };
  /** `changing_delivery_id`: how many times each order's delivery ids have been changed. */
  const deliveryGenerations = new Map<string, number>();

  app.post('/access/get_token', async (request, reply) => {
    const fields = formFields(request, '/access/get_token');
    const accessToken = requireField(fields, 'access_token');
    const secret = requireField(fields, 'secret');
    const pinned = ctx.credentials;
    if (
      (pinned.accessToken !== undefined && pinned.accessToken !== accessToken) ||
      (pinned.secret !== undefined && pinned.secret !== secret)
    ) {
      throw new SandboxError(401, 'Invalid access_token or secret');
    }
    const issued = ctx.tokens.issue(state.accountId);
    return reply.send({ token: issued.token, account_id: issued.accountId });
  });

  app.get('/me', async (request, reply) => {
    const accountId = authorise(ctx, request, state.accountId);
    const token = request.headers.authorization!.trim();
    const check = ctx.tokens.check(token);
    const expireAt = check.ok ? new Date(check.token.expiresAtMs).toISOString() : null;
    return reply.send({ token, expire_at: expireAt, account_id: accountId, scopes: { account_id: [accountId] } });
  });

  app.get('/v3.0/orders', async (request, reply) => {
    const query = request.query as QueryValues;
    authorise(ctx, request, query.account_id);
    state.processDueActions();
    const page = positiveInt(query, 'page', 1);
    const pageSize = Math.min(positiveInt(query, 'page_size', DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const links = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (!ORDER_FILTER_PARAMS.has(name) || name === 'account_id') links.set(name, String(value));

    const filter: OrderQuery = {};
    const date = (name: string, endOfDay: boolean) => {
      const parsed = dateParam(query, name, endOfDay);
      if (parsed) links.set(name, parsed.text);
      return parsed?.ms;
    };
    filter.updatedFrom = date('updated_from', false);
    filter.updatedTo = date('updated_to', true);
    filter.orderDateFrom = date('marketplace_order_date_from', false);
    filter.orderDateTo = date('marketplace_order_date_to', true);
    const merchantOrderId = single(query, 'merchant_order_id');
    if (merchantOrderId === 'None') filter.merchantOrderIdNone = true;
    else if (merchantOrderId !== undefined && merchantOrderId !== '') filter.merchantOrderId = merchantOrderId;
    filter.marketplace = single(query, 'marketplace') || undefined;
    filter.marketplaceOrderId = single(query, 'marketplace_order_id') || undefined;
    filter.lengowStatus = single(query, 'lengow_status') || undefined;
    filter.marketplaceStatus = single(query, 'marketplace_status') || undefined;

    // A duplicate_across_pages fault acts like an order slipping in ahead of the reader: from the page it fires on,
    // everything shifts by one, so the previous page's last order comes again and nothing is lost. A paging session is
    // the query and the page size: a reader asking page 1 with another page size (or none) is another session, and
    // must not end this one.
    const pagingKey = [...links, ['page_size', String(pageSize)]]
      .filter(([name]) => name !== 'page')
      .map(([n, v]) => `${n}=${v}`)
      .sort()
      .join('&');
    if (page === 1) shiftedPagings.delete(pagingKey);
    let shift = 0;
    const shiftedFrom = shiftedPagings.get(pagingKey);
    if (shiftedFrom !== undefined && page >= shiftedFrom) shift = 1;
    else if (page > 1 && ctx.faults.has('duplicate_across_pages')) {
      const probe = state.orders.query(filter, 0, 0);
      if ((page - 1) * pageSize < probe.count && ctx.faults.take(['duplicate_across_pages'], 'GET', '/v3.0/orders')) {
        rememberShiftedPaging(pagingKey, page);
        shift = 1;
      }
    }
    const offset = (page - 1) * pageSize - shift;
    const found = state.orders.query(filter, offset, pageSize);
    const count = found.count + shift;
    if (page > 1 && offset >= found.count) throw new SandboxError(404, 'Invalid page.');
    const results = found.results.map((order) => withDeliveryFaults(order));
    return reply.send({ count, ...pageLinks(ctx, request, '/v3.0/orders', links, page, pageSize, count), results });
  });

  function withDeliveryFaults(order: JsonObject): JsonObject {
    if (!ctx.faults.has('changing_delivery_id') && deliveryGenerations.size === 0) return order;
    const key = `${String(order.marketplace).toLowerCase()}|${String(order.marketplace_order_id)}`;
    const fired = ctx.faults.take(['changing_delivery_id'], 'GET', '/v3.0/orders', (fault) => {
      if (fault.marketplaceOrderId !== undefined && fault.marketplaceOrderId !== String(order.marketplace_order_id))
        return false;
      return (
        fault.marketplace === undefined || fault.marketplace.toLowerCase() === String(order.marketplace).toLowerCase()
      );
    });
    if (fired) deliveryGenerations.set(key, (deliveryGenerations.get(key) ?? 0) + 1);
    const generation = deliveryGenerations.get(key) ?? 0;
    if (generation === 0) return order;
    const copy = structuredClone(order);
    for (const pack of Array.isArray(copy.packages) ? copy.packages : []) {
      const delivery = (pack as JsonObject | null)?.delivery as JsonObject | undefined;
      if (delivery && typeof delivery.id === 'number') delivery.id = delivery.id + generation * 1_000_000;
    }
    return copy;
  }

  app.get('/v3.0/marketplaces', async (request, reply) => {
    const query = request.query as QueryValues;
    authorise(ctx, request, query.account_id);
    const code = single(query, 'marketplace');
    if (code === undefined || code === '') return reply.send(state.marketplaces);
    const definition = state.marketplaces[code.toLowerCase()];
    if (!definition) throw new SandboxError(404, `marketplace ${code} not found`);
    return reply.send({ [code.toLowerCase()]: definition });
  });

  app.post('/v3.0/orders/actions/', async (request, reply) => {
    const fields = formFields(request, '/v3.0/orders/actions/');
    const accountId = authorise(ctx, request, fields.account_id);
    const args: Record<string, string> = {};
    for (const [name, value] of Object.entries(fields)) {
      if (Array.isArray(value)) throw badRequest(`${name} was given ${value.length} times; send it once`);
      if (!['account_id', 'marketplace_order_id', 'marketplace', 'action_type', 'line'].includes(name))
        args[name] = value;
    }
    const line = single(fields, 'line');
    const action = state.createAction({
      accountId,
      marketplace: requireField(fields, 'marketplace'),
      marketplaceOrderId: requireField(fields, 'marketplace_order_id'),
      actionType: requireField(fields, 'action_type'),
      line: line === undefined || line === '' ? null : line,
      args,
    });
    return reply.code(201).send(actionResource(action));
  });

  app.get('/v3.0/orders/actions/', async (request, reply) => {
    const query = request.query as QueryValues;
    authorise(ctx, request, query.account_id);
    const page = positiveInt(query, 'page', 1);
    const pageSize = Math.min(positiveInt(query, 'page_size', DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const idText = single(query, 'id');
    if (idText !== undefined && idText !== '' && !/^\d+$/.test(idText))
      throw badRequest(`id must be an integer, got "${idText}"`);
    const links = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (name !== 'page' && name !== 'page_size') links.set(name, String(value));
    const filter: ActionFilter = {
      id: idText ? Number(idText) : undefined,
      queued: booleanParam(query, 'queued'),
      processed: booleanParam(query, 'processed'),
      updatedFrom: dateParam(query, 'updated_from')?.ms,
      updatedTo: dateParam(query, 'updated_to', true)?.ms,
      fields: {},
    };
    for (const name of Object.keys(query)) {
      if (ACTION_NON_FIELD_PARAMS.has(name)) continue;
      const value = single(query, name);
      if (value !== undefined) filter.fields[name] = value;
    }
    const matching = state.listActions(filter);
    const offset = (page - 1) * pageSize;
    if (page > 1 && offset >= matching.length) throw new SandboxError(404, 'Invalid page.');
    return reply.send({
      count: matching.length,
      ...pageLinks(ctx, request, '/v3.0/orders/actions/', links, page, pageSize, matching.length),
      results: matching.slice(offset, offset + pageSize).map(actionResource),
    });
  });

  app.patch('/v3.0/orders/moi/', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (body instanceof FormBody || body instanceof UnsupportedBody) {
      throw badRequest('/v3.0/orders/moi/ expects a JSON body (Content-Type: application/json)');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('/v3.0/orders/moi/ expects a JSON object');
    const json = body as JsonObject;
    authorise(ctx, request, json.account_id);
    const text = (name: string): string => {
      const value = json[name];
      if ((typeof value !== 'string' || value === '') && typeof value !== 'number')
        throw badRequest(`${name} is required and must be a string`);
      return String(value);
    };
    const marketplaceOrderId = text('marketplace_order_id');
    const marketplace = text('marketplace');
    const ids = json.merchant_order_id;
    if (!Array.isArray(ids) || ids.some((id) => (typeof id !== 'string' && typeof id !== 'number') || id === '')) {
      throw badRequest('merchant_order_id must be an array of shop order ids (strings)');
    }
    const merchantOrderId = ids.map(String);
    const found = state.moi({
      account_id: json.account_id,
      marketplace,
      marketplace_order_id: marketplaceOrderId,
      merchant_order_id: merchantOrderId,
    });
    if (!found) return reply.code(404).send({ detail: 'Pas trouvé.' });
    return reply.send({
      account_id: json.account_id,
      marketplace,
      marketplace_order_id: marketplaceOrderId,
      merchant_order_id: merchantOrderId,
    });
  });
}
