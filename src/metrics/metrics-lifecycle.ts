import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SQL_DATABASE, type SqlDatabase } from '../database/sql-database.port.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import type { ReadModelRunner } from '../event-store/projections/read-model-runner.js';
import { WaitingReactionsReader } from '../interfaces/catalogue/waiting-reactions.js';
import { ORDERS_PROJECTION_RUNNER } from '../orders/projections/orders-read.module.js';
import { EngineMetrics } from './engine-metrics.js';
import { instrumentEventStore } from './instrument-event-store.js';

/**
 * Starts timing the event store at boot, and finds what the gauges read at scrape time when the app has it: the
 * projection runner (lag) and the read-model database (reactions waiting).
 */
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
    const db = this.findReadModelDatabase();
    this.metrics.watchWaitingReactions(db ? new WaitingReactionsReader(db) : null);
  }

  onApplicationShutdown(): void {
    this.metrics.watchProjections(null);
    this.metrics.watchWaitingReactions(null);
    this.undo?.();
    this.undo = undefined;
  }

  private findReadModelDatabase(): SqlDatabase | null {
    try {
      return this.moduleRef.get<SqlDatabase>(SQL_DATABASE, { strict: false });
    } catch {
      // No database in this app: the reactions gauge stays empty.
      return null;
    }
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
