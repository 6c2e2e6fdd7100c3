import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { OrderStreamReader } from './order-stream-reader.js';

/**
 * The one `OrderStreamReader` of the app: the order command executor and the integration handlers share its cache, so
 * a handler loading the order a command just wrote, and the command it sends next, each read only the newest events.
 * Needs the global EVENT_STORE (InfrastructureModule).
 */
@Module({
  providers: [
    {
      provide: OrderStreamReader,
      inject: [EVENT_STORE],
      useFactory: (store: EventStore) => new OrderStreamReader(store),
    },
  ],
  exports: [OrderStreamReader],
})
export class OrderStreamsModule {}
