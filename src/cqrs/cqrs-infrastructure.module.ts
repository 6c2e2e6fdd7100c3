import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DurableSagaRunner } from './durable-saga-runner.js';
import { EventBusBridge } from './event-bus-bridge.js';
import { REACTORS_OPTIONS, type ReactorsOptions } from './reactors-options.js';

/** Feeds the EventBus and the durable sagas from the event store. */
@Global()
@Module({})
export class CqrsInfrastructureModule {
  static register(options: ReactorsOptions): DynamicModule {
    return {
      module: CqrsInfrastructureModule,
      imports: [DiscoveryModule],
      providers: [{ provide: REACTORS_OPTIONS, useValue: options }, DurableSagaRunner, EventBusBridge],
      exports: [DurableSagaRunner, EventBusBridge],
    };
  }
}
