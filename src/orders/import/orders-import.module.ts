import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, LOGGER } from '../../app.tokens.js';
import type { AppConfig } from '../../config/app-config.js';
import { SQL_DATABASE, type SqlDatabase } from '../../database/sql-database.port.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import type { ReadModelRunner } from '../../event-store/projections/read-model-runner.js';
import { LENGOW_API, type LengowApi } from '../../lengow/lengow-api.port.js';
import type { Logger } from '../../logging/logger.js';
import { ORDER_SETTINGS, type OrderSettingsReader } from '../../settings/order-settings.port.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';
import { ORDERS_PROJECTION_RUNNER } from '../projections/orders-read.module.js';
import { IMPORT_COMMAND_HANDLERS } from './commands/import-command-handlers.js';
import { ImportRunLog } from './import-run-log.js';
import { ImportScheduler } from './import-scheduler.js';
import { lazyOrderSettingsReader } from './lazy-order-settings-reader.js';
import { OrderImporter, type OrderImporterOptions } from './order-importer.js';
import { REACTIONS_PACE, type ReactionsPace } from './reactions-pace.js';
import { withReadModels } from './read-models-pace.js';

export interface OrdersImportModuleOptions extends OrderImporterOptions {
  /** Run the scheduled poll (default true). Tests turn it off and run imports by hand. */
  readonly schedule?: boolean;
  /** Delay before the first scheduled run after boot (default 2 s). */
  readonly initialDelayMs?: number;
}

export const ORDERS_IMPORT_OPTIONS = Symbol('ORDERS_IMPORT_OPTIONS');
/** The settings reader the importer uses: the app's ORDER_SETTINGS, resolved on first use. */
export const IMPORT_SETTINGS_READER = Symbol('IMPORT_SETTINGS_READER');

/** IMPORT_INTERVAL when the config says nothing usable (a test's partial config); matches AppConfig's `5m`. */
const FALLBACK_INTERVAL_SECONDS = 300;

/** Starts the scheduled poll once the whole app is up, and stops it (and any run) before the databases close. */
@Injectable()
class ImportSchedulerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly scheduler: ImportScheduler,
    private readonly importer: OrderImporter,
    private readonly runs: ImportRunLog,
    @Inject(ORDERS_IMPORT_OPTIONS) private readonly options: OrdersImportModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.schedule !== false) this.scheduler.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.scheduler.stop();
    await this.importer.stop();
    this.runs.close();
  }
}

/**
 * The import pipeline: `OrderImporter`, the scheduled poll and the operator commands (`ImportOrdersNow`,
 * `ImportOneOrder`, `ReimportOrderNow`, `ResynchronizeOrderNow`). Needs the global EVENT_STORE, SQL_DATABASE, LOGGER,
 * APP_CONFIG (InfrastructureModule), LENGOW_API (LengowModule) and SHOP (ShopModule); the order command handler
 * (OrdersModule) and the settings (SettingsModule, whose ORDER_SETTINGS it finds in the app) on the same CommandBus;
 * and `CqrsModule.forRoot()` in the app.
 */
@Module({})
export class OrdersImportModule {
  static register(options: OrdersImportModuleOptions = {}): DynamicModule {
    return {
      module: OrdersImportModule,
      providers: [
        { provide: ORDERS_IMPORT_OPTIONS, useValue: options },
        {
          provide: IMPORT_SETTINGS_READER,
          inject: [ModuleRef],
          useFactory: (moduleRef: ModuleRef): OrderSettingsReader =>
            lazyOrderSettingsReader(() => moduleRef.get<OrderSettingsReader>(ORDER_SETTINGS, { strict: false })),
        },
        {
          provide: ImportRunLog,
          inject: [SQL_DATABASE, LOGGER, { token: APP_CONFIG, optional: true }],
          useFactory: async (db: SqlDatabase, logger: Logger, config?: AppConfig) => {
            const log = new ImportRunLog(db, {
              logger: logger.child({ component: 'import-run-log' }),
              retentionMs: config?.historyRetentionMs,
            });
            await log.init();
            return log;
          },
        },
        {
          provide: OrderImporter,
          inject: [LENGOW_API, SHOP, IMPORT_SETTINGS_READER, CommandBus, EVENT_STORE, ImportRunLog, LOGGER, ModuleRef],
          useFactory: (
            api: LengowApi,
            shop: Shop,
            settings: OrderSettingsReader,
            commandBus: CommandBus,
            store: EventStore,
            runs: ImportRunLog,
            logger: Logger,
            moduleRef: ModuleRef,
          ) =>
            new OrderImporter(
              {
                api,
                shop,
                settings,
                commandBus,
                store,
                runs,
                logger: logger.child({ component: 'order-import' }),
                pace: lazyReactionsPace(moduleRef),
              },
              // SQLite group-commits the appends waiting for its connection (one fsync for the group), so more orders
              // in flight mean fewer commits per order. A networked store gains from overlapping round trips.
              { ...options, concurrency: options.concurrency ?? (store.adapter === 'sqlite' ? 32 : 16) },
            ),
        },
        {
          provide: ImportScheduler,
          inject: [OrderImporter, IMPORT_SETTINGS_READER, LOGGER, { token: APP_CONFIG, optional: true }],
          useFactory: (importer: OrderImporter, settings: OrderSettingsReader, logger: Logger, config?: AppConfig) =>
            new ImportScheduler(importer, settings, logger.child({ component: 'order-import-scheduler' }), {
              initialDelayMs: options.initialDelayMs,
              defaultIntervalSeconds: defaultIntervalSeconds(config),
            }),
        },
        ImportSchedulerLifecycle,
        ...IMPORT_COMMAND_HANDLERS,
      ],
      exports: [OrderImporter, ImportRunLog, ImportScheduler],
    };
  }
}

/**
 * The app's reactions, found when a run starts (the reactions module imports this one for its retry sweep, so it
 * cannot be imported back), and its order read models when it has them; an app without reactions (tests of the import
 * alone) imports unpaced.
 */
function lazyReactionsPace(moduleRef: ModuleRef): () => ReactionsPace | null {
  let pace: ReactionsPace | null | undefined;
  return () => {
    if (pace === undefined) {
      const reactions = optional<ReactionsPace>(moduleRef, REACTIONS_PACE);
      const readModels = optional<ReadModelRunner>(moduleRef, ORDERS_PROJECTION_RUNNER);
      pace = reactions && readModels ? withReadModels(reactions, readModels) : reactions;
    }
    return pace;
  };
}

function optional<T>(moduleRef: ModuleRef, token: symbol): T | null {
  try {
    return moduleRef.get<T>(token, { strict: false });
  } catch {
    return null;
  }
}

function defaultIntervalSeconds(config: AppConfig | undefined): number {
  const ms = config?.importIntervalMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.round(ms / 1000) : FALLBACK_INTERVAL_SECONDS;
}
