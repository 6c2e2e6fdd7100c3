import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ExecuteOrderCommandHandler } from './commands/execute-order-command.handler.js';
import { OrderCommandExecutor } from './commands/order-command-executor.js';

/** Order streams: the command handler every order command goes through. */
@Module({
  imports: [CqrsModule],
  providers: [
    {
      provide: OrderCommandExecutor,
      inject: [EVENT_STORE],
      useFactory: (store: EventStore) => new OrderCommandExecutor(store),
    },
    ExecuteOrderCommandHandler,
  ],
  exports: [OrderCommandExecutor],
})
export class OrdersModule {}
