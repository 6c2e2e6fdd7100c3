import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineMetrics } from './engine-metrics.js';

const started = new WeakMap<FastifyRequest, bigint>();
const installed = new WeakMap<FastifyInstance, EngineMetrics>();

/**
 * Counts and times every request at the Fastify level, so refusals the router answers before Nest (404, 413, 415)
 * are measured too. Labelled by route pattern (`/api/orders/:marketplace/:marketplaceOrderId`), never by URL, so the
 * label set stays bounded; unknown paths share `unmatched`.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: EngineMetrics): void {
  installed.set(fastify, metrics);
  fastify.addHook('onRequest', async (request) => {
    started.set(request, process.hrtime.bigint());
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const start = started.get(request);
    if (start === undefined) return;
    const labels = {
      method: request.method,
      route: request.routeOptions?.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  });
}

/**
 * Counts a request the router refused before any hook could run (Fastify's `frameworkErrors`: a path that is not valid
 * percent-encoding), under `unmatched` like the router's other refusals. Not timed: it never started.
 */
export function countRouterRefusal(fastify: FastifyInstance, method: string, status: number): void {
  installed.get(fastify)?.httpRequests.inc({ method, route: 'unmatched', status: String(status) });
}
