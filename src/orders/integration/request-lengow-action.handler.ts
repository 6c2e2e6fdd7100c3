import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import type { OrderCommandResult } from '../commands/order-command-executor.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import type { RequestCancel, RequestRefund, RequestShip } from '../domain/order-commands.js';
import { OrderDomainError } from '../domain/order-domain-error.js';
import { ActionContextLoader } from './action-context.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { RequestLengowAction, type RequestLengowActionOutcome } from './request-lengow-action.js';

const COMMAND_TYPES = { ship: 'RequestShip', cancel: 'RequestCancel', refund: 'RequestRefund' } as const;

@CommandHandler(RequestLengowAction)
export class RequestLengowActionHandler implements ICommandHandler<RequestLengowAction, RequestLengowActionOutcome> {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly context: ActionContextLoader,
    private readonly orders: OrderStreamReader,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
  ) {}

  async execute(command: RequestLengowAction): Promise<RequestLengowActionOutcome> {
    const { state } = await this.orders.loadStream(command.stream);
    if (!state.orderKey) throw new Error(`stream ${command.stream} holds no order`);
    const orderKey = state.orderKey;
    const { definition, carrierMapping } = await this.context.load(orderKey.marketplace);
    const request = {
      type: COMMAND_TYPES[command.actionType],
      data: {
        orderKey,
        definition,
        carrierMapping,
        changeId: command.changeId,
        now: this.options.clock().toISOString(),
      },
    } as RequestShip | RequestCancel | RequestRefund;
    try {
      const result: OrderCommandResult = await this.commandBus.execute(
        new ExecuteOrderCommand(request, command.metadata),
      );
      return { kind: 'recorded', events: result.appended.map((event) => event.type) };
    } catch (error) {
      // A marketplace-shipped order has nothing to report: not a failure to retry or park.
      if (error instanceof OrderDomainError && error.code === 'ACTION_NOT_APPLICABLE')
        return { kind: 'not_applicable', reason: error.message };
      throw error;
    }
  }
}
