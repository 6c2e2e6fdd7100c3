import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineMetrics } from './engine-metrics.js';

const started = new WeakMap<FastifyRequest, bigint>();

/**
 * Counts and times every request at the Fastify level, so refusals the router answers before Nest (404, 413, 415)
 * are measured too. Labelled by route pattern (`/api/orders/:marketplace/:marketplaceOrderId`), never by URL, so the
 * label set stays bounded; unknown paths share `unmatched`.
 */
export function installHttpMetrics(fastify: FastifyInstance, metrics: EngineMetrics): void {
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
