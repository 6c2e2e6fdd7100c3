import { Inject } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { LOGGER } from '../../app.tokens.js';
import { LENGOW_API, type LengowApi } from '../../lengow/lengow-api.port.js';
import { LengowError } from '../../lengow/lengow-errors.js';
import type { Logger } from '../../logging/logger.js';
import { ExecuteOrderCommand } from '../commands/execute-order-command.js';
import { OrderStreamReader } from '../commands/order-stream-reader.js';
import { describeFailure } from './describe-failure.js';
import { followUpMetadata } from './reaction-metadata.js';
import { ORDERS_REACTIONS_OPTIONS, type OrdersReactionsOptions } from './reactions-options.js';
import { SendMerchantOrderIds, type SendMerchantOrderIdsOutcome } from './send-merchant-order-ids.js';

/**
 * moi (lengow-api.md §7): the ids of the request recorded on the stream, sent with a bounded number of tries. Like the
 * plugins' 5 tries, but with exponential backoff, and only for failures that can pass (timeouts, 5xx, 429); a refusal
 * or an unknown order is recorded as failed at once, for the operator's "re-synchronise".
 */
@CommandHandler(SendMerchantOrderIds)
export class SendMerchantOrderIdsHandler implements ICommandHandler<SendMerchantOrderIds, SendMerchantOrderIdsOutcome> {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly orders: OrderStreamReader,
    @Inject(LENGOW_API) private readonly lengow: LengowApi,
    @Inject(ORDERS_REACTIONS_OPTIONS) private readonly options: OrdersReactionsOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: SendMerchantOrderIds): Promise<SendMerchantOrderIdsOutcome> {
    const { state } = await this.orders.loadStream(command.stream);
    const request = state.moi.find((candidate) => candidate.key === command.key);
    if (!state.orderKey || request?.status !== 'pending') return { kind: 'skipped' };
    const orderKey = state.orderKey;

    const { attempts, initialDelayMs, maxDelayMs } = this.options.moiRetry;
    let message = 'unknown error';
    let tries = 0;
    while (tries < Math.max(1, attempts)) {
      tries++;
      try {
        await this.lengow.setMerchantOrderIds({
          marketplace: orderKey.marketplace,
          marketplaceOrderId: orderKey.marketplaceOrderId,
          merchantOrderIds: request.merchantOrderIds,
        });
      } catch (error) {
        message = describeFailure(error);
        const transient = !(error instanceof LengowError) || error.transient;
        this.logger.warn({ key: command.key, tries, transient, err: message }, 'moi failed');
        if (!transient) break;
        if (tries < attempts) await this.options.sleep(Math.min(maxDelayMs, initialDelayMs * 2 ** (tries - 1)));
        continue;
      }
      // Outside the try: failing to record is not a moi failure (the event is delivered again instead).
      await this.record(command, orderKey, { kind: 'sent' }, 'sent');
      return { kind: 'sent', tries };
    }
    await this.record(command, orderKey, { kind: 'failed', message }, `failed:${message}`);
    return { kind: 'failed', tries, message };
  }

  private record(
    command: SendMerchantOrderIds,
    orderKey: { marketplace: string; marketplaceOrderId: string },
    outcome: { kind: 'sent' } | { kind: 'failed'; message: string },
    variant: string,
  ): Promise<unknown> {
    return this.commandBus.execute(
      new ExecuteOrderCommand(
        {
          type: 'RecordMerchantOrderIdsSent',
          data: { orderKey, key: command.key, outcome, now: this.options.clock().toISOString() },
        },
        followUpMetadata(command.metadata, variant),
      ),
    );
  }
}
