import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import type { OrderCommandResult } from '../commands/order-command-executor.js';
import { orderCommandOptionsOf } from '../commands/order-command-options.js';
import { orderKeyOf } from '../domain/order-key.js';
import { ActionContextLoader } from './action-context.js';
import { ReactionCommandInvalid } from './reaction-command-invalid.error.js';
import { ReactionCommandMetadataDto, ResendOrderActionDto } from './reaction-command-dtos.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { ResendOrderAction } from './resend-order-action.js';
import { validateReactionCommand } from './validate-reaction-command.js';

@CommandHandler(ResendOrderAction)
export class ResendOrderActionHandler implements ICommandHandler<ResendOrderAction, OrderCommandResult> {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly context: ActionContextLoader,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
  ) {}

  async execute(command: ResendOrderAction): Promise<OrderCommandResult> {
    const payload = validateReactionCommand(ResendOrderActionDto, command.payload, 'payload');
    const metadata = validateReactionCommand(ReactionCommandMetadataDto, command.metadata, 'metadata');
    const options = orderCommandOptionsOf(command.options, (failure) => new ReactionCommandInvalid([failure]));
    const choices = payload.choices ?? {};
    const wrong = Object.entries(choices).find(([, value]) => typeof value !== 'string');
    if (wrong)
      throw new ReactionCommandInvalid([
        { field: `payload.choices.${wrong[0]}`, message: `payload.choices.${wrong[0]} must be a string` },
      ]);
    const orderKey = orderKeyOf(payload.marketplace, payload.marketplaceOrderId);
    const { definition, carrierMapping } = await this.context.load(orderKey.marketplace);
    // The caller's revision goes on this append, the command's only one: Lengow is called later, by the action saga
    // reacting to the recorded re-send, so a refused revision leaves nothing to post.
    return this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'ResendAction',
          data: {
            orderKey,
            definition,
            carrierMapping,
            choices,
            ...(payload.actionType ? { actionType: payload.actionType } : {}),
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
