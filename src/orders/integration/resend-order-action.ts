import { Command } from '@nestjs/cqrs';
import type { CommandMetadata } from '../commands/command-metadata.js';
import type { ExecuteOptions, OrderCommandResult } from '../commands/order-command-executor.js';
import type { ActionType } from '../domain/marketplace-definition.js';

export interface ResendOrderActionPayload {
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
  /** Only this type; otherwise the order's most recent failed action of any type. */
  readonly actionType?: ActionType;
  /** New merchant choices (`reason`, `refund_reason`…); the earlier ones are kept for the rest. */
  readonly choices?: Readonly<Record<string, string>>;
}

/**
 * The operator's "re-send" of a failed action (lengow-api.md §11): a new try with arguments built afresh from the
 * current marketplace definition, carrier mapping and shipment, posted by the action saga. The domain refuses with
 * NO_FAILED_ACTION when nothing failed and ACTION_STILL_OPEN while the last action awaits its outcome.
 */
export class ResendOrderAction extends Command<OrderCommandResult> {
  constructor(
    readonly payload: ResendOrderActionPayload,
    readonly metadata: CommandMetadata,
    /** The order revision the operator decided on (If-Match): the re-send is recorded only on that revision. */
    readonly options: ExecuteOptions = {},
  ) {
    super();
  }
}
