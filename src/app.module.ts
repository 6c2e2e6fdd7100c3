import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { APP_CONFIG, LOGGER } from './app.tokens.js';
import type { Infrastructure } from './boot/infrastructure.js';
import { SQL_DATABASE } from './database/sql-database.port.js';
import { EVENT_STORE } from './event-store/event-store.port.js';
import { HealthModule } from './health/health.module.js';

/** Global providers for what the boot opened (config, logger, databases), so feature modules just inject them. */
@Module({})
class InfrastructureModule {
  static register(infrastructure: Infrastructure): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: infrastructure.config },
      { provide: LOGGER, useValue: infrastructure.logger },
      { provide: EVENT_STORE, useValue: infrastructure.eventStore },
      { provide: SQL_DATABASE, useValue: infrastructure.readModels },
    ];
    return { module: InfrastructureModule, global: true, providers, exports: providers.map((p) => p.provide) };
  }
}

@Module({})
export class AppModule {
  static register(infrastructure: Infrastructure): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.register(infrastructure), CqrsModule.forRoot(), HealthModule],
    };
  }
}
