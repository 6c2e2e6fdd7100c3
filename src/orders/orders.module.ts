import { Module } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ExecuteOrderCommandHandler } from './commands/execute-order-command.handler.js';
import { OrderCommandExecutor } from './commands/order-command-executor.js';
import { OrderStreamReader } from './commands/order-stream-reader.js';
import { OrderStreamsModule } from './commands/order-streams.module.js';

/** Order streams: the command handler every order command goes through. */
@Module({
  imports: [OrderStreamsModule],
  providers: [
    {
      provide: OrderCommandExecutor,
      inject: [EVENT_STORE, OrderStreamReader],
      useFactory: (store: EventStore, reader: OrderStreamReader) => new OrderCommandExecutor(store, reader),
    },
    ExecuteOrderCommandHandler,
  ],
  exports: [OrderCommandExecutor, OrderStreamsModule],
})
export class OrdersModule {}
