import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import type { ReadModelRunner } from '../event-store/projections/read-model-runner.js';
import { ORDERS_PROJECTION_RUNNER } from '../orders/projections/orders-read.module.js';
import { EngineMetrics } from './engine-metrics.js';
import { instrumentEventStore } from './instrument-event-store.js';

/** Starts timing the event store at boot and finds the projection runner, when the app has one, for the lag gauges. */
@Injectable()
export class MetricsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private undo?: () => void;

  constructor(
    private readonly metrics: EngineMetrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly moduleRef: ModuleRef,
  ) {
    // In the constructor, before any module's bootstrap hook reads or appends, so the first calls are timed too.
    this.undo = instrumentEventStore(store, (operation, result, seconds) =>
      metrics.eventStoreDuration.observe({ operation, result }, seconds),
    );
  }

  onApplicationBootstrap(): void {
    this.metrics.watchProjections(this.findProjectionRunner());
  }

  onApplicationShutdown(): void {
    this.metrics.watchProjections(null);
    this.undo?.();
    this.undo = undefined;
  }

  private findProjectionRunner(): ReadModelRunner | null {
    try {
      return this.moduleRef.get<ReadModelRunner>(ORDERS_PROJECTION_RUNNER, { strict: false });
    } catch {
      // No read-model module in this app: the projection gauges stay empty.
      return null;
    }
  }
}
