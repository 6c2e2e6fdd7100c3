import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LOGGER, ORDER_READ_MODELS } from '../../app.tokens.js';
import type { OrderReadModelsPlacement } from '../../boot/infrastructure.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import type { ReadModelRunner } from '../../event-store/projections/read-model-runner.js';
import type { Logger } from '../../logging/logger.js';
import { OrderAudit } from '../audit/order-audit.js';
import { OverviewDriftCheck } from '../audit/overview-drift-check.js';
import { ProjectionMaintenance } from '../audit/projection-maintenance.js';
import { OrderTimeline } from './order-timeline.js';
import { orderReadModelsRunner } from './order-read-models-runner.js';
import { OverviewQueries } from './overview-queries.js';
import { OverviewWorkerRunner } from './worker/overview-worker-runner.js';
import { engineFileHasOverview, handOverWhenCaughtUp, OrderReadModelsSource } from './worker/read-models-handover.js';

/** The runner that feeds the order read models; inject it for status, rebuilds and `waitUntilCaughtUp` in tests. */
export const ORDERS_PROJECTION_RUNNER = Symbol('ORDERS_PROJECTION_RUNNER');

export interface OrdersReadModuleOptions {
  /** Start the runner at bootstrap (default true); tests that drive it themselves pass false. */
  autoStart?: boolean;
  /** Events per batch transaction (runner default 200). */
  batchSize?: number;
  /** Pause at the end of the log before polling again (default 100 ms). */
  pollIntervalMs?: number;
}

const OPTIONS = Symbol('ORDERS_READ_OPTIONS');

/**
 * Starts the runner once every module is initialised and stops it (finishing its batch) before the databases close.
 * With the read models on a worker, a copy left in the engine's file answers the queries until the worker has caught
 * up, and is then dropped (read-models-handover.ts).
 */
@Injectable()
class OrdersReadLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ORDERS_PROJECTION_RUNNER) private readonly runner: ReadModelRunner,
    @Inject(OPTIONS) private readonly options: OrdersReadModuleOptions,
    @Inject(ORDER_READ_MODELS) private readonly placement: OrderReadModelsPlacement,
    @Inject(SQL_DATABASE) private readonly engineDb: SqlDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly source: OrderReadModelsSource,
  ) {}

  private readonly stopped = new AbortController();
  private handover: Promise<void> | null = null;

  async onApplicationBootstrap(): Promise<void> {
    if (!(this.options.autoStart ?? true)) return;
    const { worker } = this.placement;
    if (worker && (await engineFileHasOverview(this.engineDb))) {
      this.source.serveFrom(this.engineDb);
      this.logger.info(
        { readModelsPath: worker.readModelsPath },
        'order queries read the engine file copy of the read models until the worker has built their own file',
      );
    }
    await this.runner.start();
    if (worker) {
      this.handover = handOverWhenCaughtUp({
        runner: this.runner,
        source: this.source,
        engineFile: this.engineDb,
        readModelsPath: worker.readModelsPath,
        logger: this.logger,
        stopped: this.stopped.signal,
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped.abort();
    await this.runner.stop();
    await this.handover;
  }
}

/**
 * The order read side: the overview projection fed from EVENT_STORE into the order read models' database
 * (ORDER_READ_MODELS: written on this thread, or by a worker thread on SQLite), its queries, the timeline, the audit
 * (state at a point, replay, drift check) and projection maintenance (rebuild).
 * Needs the global InfrastructureModule (EVENT_STORE, ORDER_READ_MODELS, LOGGER).
 */
@Module({})
export class OrdersReadModule {
  static register(options: OrdersReadModuleOptions = {}): DynamicModule {
    return {
      module: OrdersReadModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: ORDERS_PROJECTION_RUNNER,
          inject: [EVENT_STORE, ORDER_READ_MODELS, LOGGER],
          useFactory: (store: EventStore, placement: OrderReadModelsPlacement, logger: Logger): ReadModelRunner => {
            const settings = { batchSize: options.batchSize, pollIntervalMs: options.pollIntervalMs ?? 100 };
            const runnerLogger = logger.child({ component: 'orders-read' });
            if (placement.worker) {
              return new OverviewWorkerRunner(
                { ...placement.worker, ...settings, logLevel: logger.level },
                runnerLogger,
              );
            }
            return orderReadModelsRunner({ store, db: placement.db, ...settings, logger: runnerLogger });
          },
        },
        {
          provide: OrderReadModelsSource,
          inject: [ORDER_READ_MODELS],
          useFactory: (placement: OrderReadModelsPlacement) => new OrderReadModelsSource(placement.db),
        },
        {
          provide: OverviewQueries,
          inject: [OrderReadModelsSource],
          useFactory: (source: OrderReadModelsSource) => new OverviewQueries(source),
        },
        { provide: OrderTimeline, inject: [EVENT_STORE], useFactory: (store: EventStore) => new OrderTimeline(store) },
        { provide: OrderAudit, inject: [EVENT_STORE], useFactory: (store: EventStore) => new OrderAudit(store) },
        {
          provide: OverviewDriftCheck,
          inject: [ORDER_READ_MODELS, EVENT_STORE],
          useFactory: (placement: OrderReadModelsPlacement, store: EventStore) =>
            new OverviewDriftCheck(placement.db, store),
        },
        {
          provide: ProjectionMaintenance,
          inject: [ORDERS_PROJECTION_RUNNER],
          useFactory: (runner: ReadModelRunner) => new ProjectionMaintenance(runner),
        },
        OrdersReadLifecycle,
      ],
      exports: [
        ORDERS_PROJECTION_RUNNER,
        OverviewQueries,
        OrderTimeline,
        OrderAudit,
        OverviewDriftCheck,
        ProjectionMaintenance,
      ],
    };
  }
}
