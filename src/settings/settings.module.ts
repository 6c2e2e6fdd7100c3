import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, LOGGER } from '../app.tokens.js';
import type { AppConfig } from '../config/app-config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import type { Logger } from '../logging/logger.js';
import { SETTINGS_COMMAND_HANDLERS } from './commands/settings-command-handlers.js';
import { SettingsCommandExecutor } from './commands/settings-command-executor.js';
import { SettingsEdgeChecks } from './commands/settings-edge-checks.js';
// Registers the bus classes of the settings events, so the EventBus bridge rehydrates them.
import './events/settings-event-classes.js';
import { OrderSettingsCache } from './order-settings-cache.js';
import { ORDER_SETTINGS } from './order-settings.port.js';
import { GetOrderSettingsHandler } from './queries/get-order-settings.handler.js';

export interface SettingsModuleOptions {
  /** How stale `ORDER_SETTINGS.current()` may be (another process's change); default 1000 ms, 0 = always read. */
  readonly cacheMaxAgeMs?: number;
}

export const SETTINGS_MODULE_OPTIONS = Symbol('SETTINGS_MODULE_OPTIONS');

/** IMPORT_INTERVAL when the config says nothing usable (a test's partial config); matches AppConfig's `5m`. */
const FALLBACK_INTERVAL_SECONDS = 300;

function defaultIntervalSeconds(config: AppConfig | undefined): number {
  const ms = config?.importIntervalMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.round(ms / 1000) : FALLBACK_INTERVAL_SECONDS;
}

/**
 * Order parameters and carrier mapping: the command and query handlers, and the OrderSettingsReader under
 * ORDER_SETTINGS. Needs the global EVENT_STORE, APP_CONFIG and LOGGER (InfrastructureModule) and an app that imports
 * `CqrsModule.forRoot()`. Import it plain, or through `register()` to tune the reader's cache.
 */
@Module({
  providers: [
    {
      provide: OrderSettingsCache,
      inject: [EVENT_STORE, APP_CONFIG, LOGGER, { token: SETTINGS_MODULE_OPTIONS, optional: true }],
      useFactory: (store: EventStore, config: AppConfig, logger: Logger, options?: SettingsModuleOptions) =>
        new OrderSettingsCache(store, {
          defaultIntervalSeconds: defaultIntervalSeconds(config),
          maxAgeMs: options?.cacheMaxAgeMs,
          logger,
        }),
    },
    { provide: ORDER_SETTINGS, useExisting: OrderSettingsCache },
    {
      provide: SettingsCommandExecutor,
      inject: [EVENT_STORE, OrderSettingsCache],
      useFactory: (store: EventStore, cache: OrderSettingsCache) => new SettingsCommandExecutor(store, cache),
    },
    SettingsEdgeChecks,
    ...SETTINGS_COMMAND_HANDLERS,
    GetOrderSettingsHandler,
  ],
  exports: [ORDER_SETTINGS],
})
export class SettingsModule {
  static register(options: SettingsModuleOptions = {}): DynamicModule {
    return { module: SettingsModule, providers: [{ provide: SETTINGS_MODULE_OPTIONS, useValue: options }] };
  }
}
