import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { EngineMetrics } from './engine-metrics.js';
import { installHttpMetrics } from './install-http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsLifecycle } from './metrics-lifecycle.js';
import { OrderOutcomeMetricsHandler } from './order-outcome-metrics.handler.js';

const HTTP_METRICS_HOOKS = Symbol('HTTP_METRICS_HOOKS');

/**
 * Prometheus metrics at `/metrics` (open, like `/health`): HTTP counts and durations, import and action outcomes,
 * projection lag, event store latency, and prom-client's default process metrics. Needs the global EVENT_STORE and an
 * app on the Fastify adapter with `CqrsModule.forRoot()`.
 */
@Module({
  controllers: [MetricsController],
  providers: [
    EngineMetrics,
    OrderOutcomeMetricsHandler,
    MetricsLifecycle,
    {
      // Providers are built before Nest registers any route or Fastify starts, the last moment hooks can be added.
      provide: HTTP_METRICS_HOOKS,
      inject: [HttpAdapterHost, EngineMetrics],
      useFactory: (host: HttpAdapterHost, metrics: EngineMetrics) => {
        const fastify = host.httpAdapter?.getInstance<FastifyInstance>();
        if (fastify && typeof fastify.addHook === 'function') installHttpMetrics(fastify, metrics);
        return true;
      },
    },
  ],
  exports: [EngineMetrics],
})
export class MetricsModule {}
