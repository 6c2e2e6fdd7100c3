import type { FastifyInstance } from 'fastify';
import { SANDBOX_CATALOGUE } from './catalogue.js';
import { FaultSpecError, type FaultInjector, type FaultSpec } from './fault-injector.js';
import { FormBody, UnsupportedBody } from './http-input.js';
import { importCaseAt, IMPORT_CASES } from './import-cases.js';
import type { MarketplaceDefinition } from './marketplaces.js';
import type { JsonObject } from './order-store.js';
import { SandboxError, type SandboxState } from './sandbox-state.js';
import type { TokenStore } from './token-store.js';

/**
 * Test-only endpoints under `/_sandbox/`, kept off every real API path. They speak plain JSON and report errors in
 * the same `{"error": {"message", "code"}}` envelope as the API.
 */

export interface AdminContext {
  state: SandboxState;
  tokens: TokenStore;
  faults: FaultInjector;
}

export const ADMIN_PREFIX = '/_sandbox';

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function jsonBody(body: unknown, route: string): unknown {
  if (body instanceof FormBody || body instanceof UnsupportedBody || body === undefined) {
    throw new SandboxError(400, `${route} expects a JSON body (Content-Type: application/json)`);
  }
  return body;
}

/** Accepts one order, an array of orders, or a list envelope `{results: [...]}` (as the samples are stored). */
function ordersIn(body: unknown): JsonObject[] {
  const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.results) ? body.results : [body];
  list.forEach((order, i) => {
    if (!isObject(order)) throw new SandboxError(400, `order #${i} is not a JSON object`);
    if (typeof order.marketplace !== 'string' || order.marketplace === '')
      throw new SandboxError(400, `order #${i} has no "marketplace"`);
    if (
      (typeof order.marketplace_order_id !== 'string' && typeof order.marketplace_order_id !== 'number') ||
      order.marketplace_order_id === ''
    ) {
      throw new SandboxError(400, `order #${i} has no "marketplace_order_id"`);
    }
  });
  return list as JsonObject[];
}

function nonNegativeInt(value: unknown, name: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
    throw new SandboxError(400, `${name} must be an integer from 0 to ${max}`);
  return value;
}

export function registerAdminRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { state } = ctx;
  const p = ADMIN_PREFIX;

  app.get(`${p}/state`, async () => ({
    seed: state.seed,
    accountId: state.accountId,
    now: new Date(state.nowMs()).toISOString(),
    orders: state.orders.stats,
    actions: state.actionsJson(),
    moiCalls: state.moiCalls,
    requests: state.requestCountsJson(),
    retention: state.retention(),
    faults: ctx.faults.list(),
    activeTokens: ctx.tokens.activeCount,
  }));
  app.get(`${p}/actions`, async () => state.actionsJson());
  app.get(`${p}/moi`, async () => state.moiCalls);
  app.get(`${p}/requests`, async () => state.requestCountsJson());
  app.get(`${p}/catalogue`, async () => SANDBOX_CATALOGUE);

  /** Expected import outcome counts of the generated orders; `?orders=1` lists every order's case too. */
  app.get(`${p}/manifest`, async (request) => {
    const manifest = state.manifest();
    if ((request.query as Record<string, unknown>).orders === undefined) return manifest;
    const orders = Array.from({ length: state.orders.generatedCount }, (_, index) => {
      const skeleton = state.orders.skeletonOf(index);
      const name = importCaseAt(state.seed, index);
      return {
        index,
        marketplace: skeleton.marketplace,
        marketplace_order_id: skeleton.marketplaceOrderId,
        case: name,
        ...IMPORT_CASES[name],
      };
    });
    return { ...manifest, orders };
  });

  app.post(`${p}/orders`, async (request, reply) => {
    const body = jsonBody(request.body, `${p}/orders`);
    if (isObject(body) && 'generate' in body) {
      const generated = state.generateMore(nonNegativeInt(body.generate, 'generate', 1_000_000));
      return reply.code(201).send({ generated });
    }
    const orders = ordersIn(body);
    const at = state.nowMs();
    const added = orders.map((order) => state.orders.add(order, at));
    return reply
      .code(201)
      .send({ added: added.filter((a) => !a.replaced).length, replaced: added.filter((a) => a.replaced).length });
  });

  app.get(`${p}/orders/:marketplace/:marketplaceOrderId`, async (request) => {
    const { marketplace, marketplaceOrderId } = request.params as { marketplace: string; marketplaceOrderId: string };
    state.processDueActions();
    const stored = state.orders.find(marketplace, marketplaceOrderId);
    if (!stored) throw new SandboxError(404, `order ${marketplaceOrderId} not found on marketplace ${marketplace}`);
    return stored.order;
  });

  app.post(`${p}/orders/:marketplace/:marketplaceOrderId/status`, async (request) => {
    const { marketplace, marketplaceOrderId } = request.params as { marketplace: string; marketplaceOrderId: string };
    const body = jsonBody(request.body, `${p}/orders/…/status`);
    if (!isObject(body) || typeof body.marketplace_status !== 'string' || body.marketplace_status === '') {
      throw new SandboxError(400, 'marketplace_status (string) is required');
    }
    if (body.lengow_status !== undefined && typeof body.lengow_status !== 'string')
      throw new SandboxError(400, 'lengow_status must be a string');
    if (body.lines !== undefined && typeof body.lines !== 'boolean')
      throw new SandboxError(400, 'lines must be a boolean');
    return state.setOrderStatus(marketplace, marketplaceOrderId, body.marketplace_status, {
      lengowStatus: body.lengow_status as string | undefined,
      lines: body.lines as boolean | undefined,
    });
  });

  /** Adds or replaces marketplace definitions, given keyed by code as `/v3.0/marketplaces` serves them. */
  app.post(`${p}/marketplaces`, async (request, reply) => {
    const body = jsonBody(request.body, `${p}/marketplaces`);
    if (!isObject(body) || Object.keys(body).length === 0)
      throw new SandboxError(400, 'expected an object keyed by marketplace code');
    for (const [code, definition] of Object.entries(body)) {
      if (!isObject(definition) || !isObject(definition.orders))
        throw new SandboxError(400, `marketplace ${code} needs an "orders" object`);
    }
    for (const [code, definition] of Object.entries(body))
      state.marketplaces[code] = definition as unknown as MarketplaceDefinition;
    return reply.code(201).send({ marketplaces: Object.keys(body) });
  });

  app.post(`${p}/reset`, async (request) => {
    const body = request.body === undefined ? {} : jsonBody(request.body, `${p}/reset`);
    if (!isObject(body)) throw new SandboxError(400, 'expected a JSON object');
    const seed = body.seed === undefined ? undefined : nonNegativeInt(body.seed, 'seed', 2 ** 31);
    const orderCount =
      body.orderCount === undefined ? undefined : nonNegativeInt(body.orderCount, 'orderCount', 10_000_000);
    state.reset({ seed, orderCount });
    ctx.faults.clear();
    return { seed: state.seed, orders: state.orders.stats };
  });

  app.get(`${p}/faults`, async () => ctx.faults.list());
  app.post(`${p}/faults`, async (request, reply) => {
    const body = jsonBody(request.body, `${p}/faults`);
    const specs = Array.isArray(body) ? body : [body];
    try {
      const added = specs.map((spec) => {
        if (!isObject(spec)) throw new FaultSpecError('each fault must be a JSON object');
        return ctx.faults.add(spec as unknown as FaultSpec);
      });
      return reply.code(201).send(Array.isArray(body) ? added : added[0]);
    } catch (error) {
      if (error instanceof FaultSpecError) throw new SandboxError(400, error.message);
      throw error;
    }
  });
  app.delete(`${p}/faults`, async () => {
    ctx.faults.clear();
    return { cleared: true };
  });
  app.delete(`${p}/faults/:id`, async (request) => {
    const id = Number((request.params as { id: string }).id);
    if (!ctx.faults.remove(id)) throw new SandboxError(404, `fault ${(request.params as { id: string }).id} not found`);
    return { removed: id };
  });

  app.post(`${p}/tokens/expire`, async () => ({ expired: ctx.tokens.expireAll() }));
}
