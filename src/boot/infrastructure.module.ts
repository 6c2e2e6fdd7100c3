import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, LOGGER, ORDER_READ_MODELS } from '../app.tokens.js';
import { SQL_DATABASE } from '../database/sql-database.port.js';
import { EVENT_STORE } from '../event-store/event-store.port.js';
import type { Infrastructure, OrderReadModelsPlacement } from './infrastructure.js';

/** Global providers for what the boot opened (config, logger, databases), so feature modules just inject them. */
@Global()
@Module({})
export class InfrastructureModule {
  static register(infrastructure: Omit<Infrastructure, 'close'>): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: infrastructure.config },
      { provide: LOGGER, useValue: infrastructure.logger },
      { provide: EVENT_STORE, useValue: infrastructure.eventStore },
      { provide: SQL_DATABASE, useValue: infrastructure.readModels },
      {
        provide: ORDER_READ_MODELS,
        useValue:
          infrastructure.orderReadModels ??
          ({ db: infrastructure.readModels, worker: null } satisfies OrderReadModelsPlacement),
      },
    ];
    return { module: InfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}
