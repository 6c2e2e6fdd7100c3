import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ADMIN_PREFIX, registerAdminRoutes } from './admin-routes.js';
import { registerApiRoutes } from './api-routes.js';
import { FaultInjector, type Fault } from './fault-injector.js';
import { FormBody, parseQueryString, UnsupportedBody } from './http-input.js';
import type { ImportCaseManifest } from './import-cases.js';
import { SandboxError, SandboxState } from './sandbox-state.js';
import { TokenStore } from './token-store.js';

/**
 * The Lengow API v3 emulator: a real HTTP server on loopback that speaks the wire format of lengow-api.md, serves
 * deterministic generated orders, processes actions, and injects faults on demand.
 */

export interface SandboxOptions {
  host?: string;
  /** 0 = a random free port. */
  port?: number;
  seed?: number;
  orderCount?: number;
  accountId?: number;
  accessToken?: string;
  /** When set (with or without accessToken), only this pair is accepted by /access/get_token. */
  secret?: string;
  tokenLifetimeSeconds?: number;
  /** How long an action stays queued before the marketplace answers. */
  actionProcessingDelayMs?: number;
  /** After the queue, how long an action stays "sent, waiting for the marketplace" (queued false, processed false). */
  actionSentPhaseMs?: number;
  /** Generated orders spread their updated_at over this many hours before the anchor (48 by default). */
  generatedSpanHours?: number;
  /** The instant generated orders lead up to (now by default); fix it to get byte-identical orders across runs. */
  anchor?: Date;
  /** A processed action is dropped this long after its answer (7 days by default). */
  actionRetentionMs?: number;
  /** At most this many processed actions are kept, the oldest dropped first (10 000 by default). */
  maxProcessedActions?: number;
  /** Only this many of the latest moi calls are kept for inspection (50 000 by default). */
  maxMoiCalls?: number;
  /** At most this many paging sessions shifted by a `duplicate_across_pages` fault are remembered (1 000 by default). */
  maxShiftedPagings?: number;
  now?: () => Date;
  logger?: Logger;
}

export interface Sandbox {
  url: string;
  port: number;
  accountId: number;
  state: SandboxState;
  faults: FaultInjector;
  /** Every token issued so far expires now. */
  expireTokens(): number;
  /** Expected import outcomes of the generated orders. */
  manifest(): ImportCaseManifest;
  close(): Promise<void>;
}

function errorBody(message: string, code: number) {
  return { error: { message, code } };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;
  const state = new SandboxState({
    seed: options.seed ?? 1,
    orderCount: options.orderCount ?? 500,
    accountId: options.accountId ?? 4242,
    now,
    actionProcessingDelayMs: options.actionProcessingDelayMs ?? 3000,
    actionSentPhaseMs: options.actionSentPhaseMs ?? 0,
    generatedSpanMs: (options.generatedSpanHours ?? 48) * 3600_000,
    anchor: options.anchor,
    actionRetentionMs: options.actionRetentionMs,
    maxProcessedActions: options.maxProcessedActions,
    maxMoiCalls: options.maxMoiCalls,
  });
  const tokens = new TokenStore((options.tokenLifetimeSeconds ?? 3600) * 1000, () => now().getTime());
  const faults = new FaultInjector(options.seed ?? 1);
  let origin = `http://${host}`;

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 64 * 1024 * 1024,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseQueryString },
    // Undecodable URLs are refused before routing; keep even those in the API's error envelope.
    frameworkErrors: (error, _request, reply) => {
      (reply as unknown as FastifyReply).code(400).send(errorBody(error.message, 400));
    },
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new FormBody(parseQueryString(String(body))));
  });
  // Anything else reaches the route, which answers with a 400 naming the content type it expected.
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, _body, done) => {
    done(null, new UnsupportedBody(String(request.headers['content-type'] ?? 'an unknown content type')));
  });

  const pendingDelays = new Set<() => void>();
  const isAdmin = (url: string) => url === ADMIN_PREFIX || url.startsWith(`${ADMIN_PREFIX}/`);
  const pathOf = (url: string) => url.split('?')[0];

  app.addHook('onRequest', async (request, reply) => {
    (request as { startedAt?: number }).startedAt = performance.now();
    if (isAdmin(request.url)) return;
    const path = pathOf(request.url);
    const slow = faults.take(['slow'], request.method, path);
    if (slow) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pendingDelays.delete(done);
          resolve();
        };
        const timer = setTimeout(done, slow.delayMs ?? 0);
        pendingDelays.add(done);
      });
    }
    const fault = faults.take(['http_429', 'http_500', 'http_503', 'unauthorized'], request.method, path);
    if (fault) return sendFault(fault, path, reply);
  });

  function sendFault(fault: Fault, path: string, reply: FastifyReply) {
    switch (fault.kind) {
      case 'http_429':
        return reply
          .code(429)
          .header('Retry-After', String(fault.retryAfterSeconds ?? 1))
          .send({ error: { code: 429, message: `Request limitation: 500 reached on ${path}` } });
      case 'http_500':
        return reply.code(500).send(errorBody('Internal server error', 500));
      case 'http_503':
        return reply
          .code(503)
          .type('text/html')
          .send(
            '<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>',
          );
      default:
        return reply.code(401).send(errorBody('Token has expired', 401));
    }
  }

  app.addHook('onSend', async (request, reply, payload) => {
    if (isAdmin(request.url) || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    if (!faults.take(['malformed_json'], request.method, pathOf(request.url))) return payload;
    // Cut mid-document: the client must report a parse failure, not accept a partial answer.
    return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  });

  app.addHook('onResponse', async (request, reply) => {
    if (isAdmin(request.url)) return;
    const route = `${request.method} ${request.routeOptions.url ?? pathOf(request.url)}`;
    state.countRequest(request.routeOptions.url ? route : `${request.method} (unknown route)`, reply.statusCode);
    const startedAt = (request as { startedAt?: number }).startedAt ?? performance.now();
    logger?.debug(
      {
        method: request.method,
        path: pathOf(request.url),
        status: reply.statusCode,
        ms: Math.round(performance.now() - startedAt),
      },
      'sandbox request',
    );
  });

  app.setErrorHandler((error: FastifyError | SandboxError | Error, request, reply) => {
    if (error instanceof SandboxError) return reply.code(error.status).send(errorBody(error.message, error.status));
    const status = (error as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message =
        (error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? `Malformed JSON body: ${error.message}`
          : error.message;
      return reply.code(status === 415 ? 400 : status).send(errorBody(message, status === 415 ? 400 : status));
    }
    logger?.error({ err: error, method: request.method, path: pathOf(request.url) }, 'sandbox handler failed');
    return reply.code(500).send(errorBody(`Internal error: ${error.message}`, 500));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody(`Route ${request.method} ${pathOf(request.url)} not found`, 404));
  });

  registerApiRoutes(app, {
    state,
    tokens,
    faults,
    credentials: { accessToken: options.accessToken, secret: options.secret },
    origin: () => origin,
    maxShiftedPagings: options.maxShiftedPagings,
  });
  registerAdminRoutes(app, { state, tokens, faults });

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;
  logger?.info({ url: origin, seed: state.seed, orders: state.orders.generatedCount }, 'Lengow sandbox listening');

  return {
    url: origin,
    port,
    accountId: state.accountId,
    state,
    faults,
    expireTokens: () => tokens.expireAll(),
    manifest: () => state.manifest(),
    close: async () => {
      for (const release of [...pendingDelays]) release();
      await app.close();
    },
  };
}
