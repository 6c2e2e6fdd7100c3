import { Module, type DynamicModule } from '@nestjs/common';
// Fills the shared command catalogue, so the bus knows every command even in a process without the HTTP API.
import '../interfaces/catalogue/index.js';
import { natsBusOptions, NATS_BUS_OPTIONS, type NatsBusOverrides } from './nats-bus-options.js';
import { NatsBus } from './nats-bus.js';

/**
 * Commands over NATS request/reply and integration events to JetStream (src/bus/README.md). Needs the global
 * APP_CONFIG, LOGGER, EVENT_STORE and SQL_DATABASE (InfrastructureModule) and `CqrsModule.forRoot()` in the app.
 * Import it unconditionally: it does nothing unless `NATS_URL` is set.
 */
@Module({})
export class NatsBusModule {
  static register(overrides: NatsBusOverrides = {}): DynamicModule {
    return {
      module: NatsBusModule,
      providers: [{ provide: NATS_BUS_OPTIONS, useValue: natsBusOptions(overrides) }, NatsBus],
      exports: [NatsBus],
    };
  }
}
