import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Infrastructure } from '../boot/infrastructure.js';
import { InfrastructureModule } from '../boot/infrastructure.module.js';
import { CqrsInfrastructureModule } from '../cqrs/cqrs-infrastructure.module.js';
import { REACTION_COMMAND_PROVIDERS } from '../interfaces/catalogue/reaction-command-handlers.js';
import { LengowModule, type LengowConnection } from '../lengow/lengow.module.js';
import { OrdersImportModule } from '../orders/import/orders-import.module.js';
import { OrdersModule } from '../orders/orders.module.js';
import { OrdersReactionsModule } from '../orders/sagas/orders-reactions.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { ShopModule } from '../shop/shop.module.js';

/**
 * The engine's command side as the CLI runs it: the same feature modules the app is made of, each with its
 * background work off — no scheduled import, no pollers, no consumer (sagas, event bus, follow-up index), no projection
 * runner, no HTTP.
 * A short-lived CLI must not compete with the server for checkpoints; what a command appends, the server's reactors
 * and projections pick up from the event store (or do at their next start).
 */
@Module({})
export class CliEngineModule {
  static register(infrastructure: Infrastructure, lengow?: LengowConnection): DynamicModule {
    return {
      module: CliEngineModule,
      imports: [
        InfrastructureModule.register(infrastructure),
        CqrsModule.forRoot(),
        CqrsInfrastructureModule.register({ autoStart: false }),
        LengowModule.register({ connection: lengow }),
        ShopModule,
        SettingsModule.register(),
        OrdersModule,
        OrdersImportModule.register({ schedule: false }),
        OrdersReactionsModule.register({ pollers: false, followUpIndex: false }),
      ],
      // The replay of parked work: the handlers hand it to this process's (stopped) consumers and shop feed poller.
      providers: [...REACTION_COMMAND_PROVIDERS],
    };
  }
}
