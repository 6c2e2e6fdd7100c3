import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { ExecuteOptions, OrderCommandResult } from '../commands/order-command-executor.js';

export interface RetryOrderStockDecrementPayload {
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
}

/**
 * The operator's "try the stock again" once the products the failure named are restocked or back in the catalogue: domain
 * `RetryStockDecrement`, after which the stock saga asks the shop again under the order's decrement key (so the units
 * are taken at most once). Refused with NO_FAILED_STOCK_DECREMENT when no decrement failed and
 * STOCK_ALREADY_DECREMENTED once the stock was taken.
 */
export class RetryOrderStockDecrement extends Command<OrderCommandResult> {
  constructor(
    readonly payload: RetryOrderStockDecrementPayload,
    readonly metadata: CommandMetadata,
    /** The order revision the operator decided on (If-Match): the retry is recorded only on that revision. */
    readonly options: ExecuteOptions = {},
  ) {
    super();
  }
}
