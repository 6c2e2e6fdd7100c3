import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import type { OrderCommandResult } from '../commands/order-command-executor.js';
import { orderCommandOptionsOf } from '../commands/order-command-options.js';
import { orderKeyOf } from '../domain/order-key.js';
import { ReactionCommandMetadataDto, RetryOrderStockDecrementDto } from './reaction-command-dtos.js';
import { ReactionCommandInvalid } from './reaction-command-invalid.error.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { RetryOrderStockDecrement } from './retry-order-stock-decrement.js';
import { validateReactionCommand } from './validate-reaction-command.js';

@CommandHandler(RetryOrderStockDecrement)
export class RetryOrderStockDecrementHandler implements ICommandHandler<RetryOrderStockDecrement, OrderCommandResult> {
  constructor(
    private readonly commandBus: CommandBus,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
  ) {}

  // Async so that a malformed request rejects like every other refusal instead of throwing at the caller's bus call.
  async execute(command: RetryOrderStockDecrement): Promise<OrderCommandResult> {
    const payload = validateReactionCommand(RetryOrderStockDecrementDto, command.payload, 'payload');
    const metadata = validateReactionCommand(ReactionCommandMetadataDto, command.metadata, 'metadata');
    const options = orderCommandOptionsOf(command.options, (failure) => new ReactionCommandInvalid([failure]));
    // The caller's revision goes on this append, the command's only one: the shop is asked later, by the stock saga.
    return this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'RetryStockDecrement',
          data: {
            orderKey: orderKeyOf(payload.marketplace, payload.marketplaceOrderId),
            now: this.options.clock().toISOString(),
          },
        },
        {
          commandId: metadata.commandId,
          correlationId: metadata.correlationId,
          causationId: metadata.causationId,
          actor: metadata.actor,
        },
        options,
      ),
    );
  }
}
