import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import type { OrderCommandResult } from '../commands/order-command-executor.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import type { RequestCancel, RequestRefund, RequestShip } from '../domain/order-commands.js';
import { OrderDomainError } from '../domain/order-domain-error.js';
import { choicesOfShopChange } from '../domain/shop-change-choices.js';
import { ActionContextLoader, type ActionContext } from './action-context.js';
import { DeferredActionRequests } from './deferred-action-requests.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { RequestLengowAction, type RequestLengowActionOutcome } from './request-lengow-action.js';

const COMMAND_TYPES = { ship: 'RequestShip', cancel: 'RequestCancel', refund: 'RequestRefund' } as const;

@CommandHandler(RequestLengowAction)
export class RequestLengowActionHandler implements ICommandHandler<RequestLengowAction, RequestLengowActionOutcome> {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly context: ActionContextLoader,
    private readonly orders: OrderStreamReader,
    private readonly deferred: DeferredActionRequests,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
  ) {}

  async execute(command: RequestLengowAction): Promise<RequestLengowActionOutcome> {
    const { state } = await this.orders.loadStream(command.stream);
    if (!state.orderKey) throw new Error(`stream ${command.stream} holds no order`);
    const orderKey = state.orderKey;
    let context: ActionContext;
    try {
      context = await this.context.load(orderKey.marketplace);
    } catch (error) {
      // Nothing is recorded yet and the request can be rebuilt from the stream at any time, so it is kept for a later
      // try rather than failing the saga's delivery: after the saga's quick retries the event would be parked, and no
      // one re-drives a parked event (the change would never become an action, nor a visible failure).
      const deferred = await this.deferred.defer(command, error);
      return {
        kind: 'deferred',
        reason: deferred.reason,
        attempts: deferred.attempts,
        nextAttemptAt: deferred.nextAttemptAt,
      };
    }
    const { definition, carrierMapping } = context;
    const change = state.shopChanges.find((candidate) => candidate.changeId === command.changeId);
    const request = {
      type: COMMAND_TYPES[command.actionType],
      data: {
        orderKey,
        definition,
        carrierMapping,
        // Recorded with the request, so a re-send (which keeps the request's choices) uses the merchant's reason too.
        choices: choicesOfShopChange(command.actionType, change, definition),
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
