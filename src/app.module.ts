import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Infrastructure } from './boot/infrastructure.js';
import { InfrastructureModule } from './boot/infrastructure.module.js';
import { CqrsInfrastructureModule } from './cqrs/cqrs-infrastructure.module.js';
import type { ReactorsOptions } from './cqrs/reactors-options.js';
import { NatsBusModule } from './bus/nats-bus.module.js';
import type { NatsBusOverrides } from './bus/nats-bus-options.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import type { HttpApiOptions } from './http/http-api-options.js';
import { HttpApiModule } from './http/http-api.module.js';
import { LengowModule, type LengowModuleOptions } from './lengow/lengow.module.js';
import { OrdersImportModule, type OrdersImportModuleOptions } from './orders/import/orders-import.module.js';
import type { OrdersReactionsOptions } from './orders/integration/reactions-options.js';
import { OrdersModule } from './orders/orders.module.js';
import { OrdersReadModule } from './orders/projections/orders-read.module.js';
import { OrdersReactionsModule } from './orders/sagas/orders-reactions.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { ShopModule } from './shop/shop.module.js';

export interface AppModuleOptions {
  /** Where the Lengow connector points (the emulator, when the boot started one), and its timeouts and retries. */
  lengow?: LengowModuleOptions;
  reactors?: Partial<ReactorsOptions>;
  /** Import schedule and importer tuning (tests run imports by hand). */
  import?: OrdersImportModuleOptions;
  /** Pollers of the reactions (shop change feed, action results, import retries). */
  reactions?: Partial<OrdersReactionsOptions>;
  /** HTTP API tuning (SSE heartbeat). */
  http?: HttpApiOptions;
  /** NATS bus tuning (tests give each run their own subject prefix and stream). */
  nats?: NatsBusOverrides;
}

@Module({})
export class AppModule {
  static register(infrastructure: Infrastructure, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfrastructureModule.register(infrastructure),
        // The one CQRS instance: global, so its bootstrap hook registers every handler before any module's hook starts
        // the sagas. No feature module imports `CqrsModule` itself: that would give it buses of its own, registered
        // later, and a restart with reactions pending would fail them with "No handler found".
        CqrsModule.forRoot(),
        CqrsInfrastructureModule.register({ autoStart: true, ...options.reactors }),
        LengowModule.register(options.lengow),
        ShopModule,
        SettingsModule.register(),
        OrdersModule,
        OrdersImportModule.register(options.import),
        OrdersReactionsModule.register(options.reactions),
        OrdersReadModule.register(),
        HealthModule,
        NatsBusModule.register(options.nats),
        HttpApiModule.register(options.http),
        DashboardModule,
      ],
    };
  }
}
