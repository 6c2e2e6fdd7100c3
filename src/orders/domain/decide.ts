import { decideImportOrder, decideReimportOrder } from './decide-import-order.js';
import { decideRecordMerchantOrderIdsSent, decideResynchronizeOrder } from './decide-merchant-order-ids.js';
import { decideRecordActionOutcome } from './decide-record-action-outcome.js';
import { decideRecordActionSent } from './decide-record-action-sent.js';
import { decideRecordImportFailure } from './decide-record-import-failure.js';
import { decideRecordShopOrdersCreated } from './decide-record-shop-orders-created.js';
import { decideRecordShopStatusChange } from './decide-record-shop-status-change.js';
import { decideRecordStockDecrementFailed } from './decide-record-stock-decrement-failed.js';
import { decideRecordStockDecremented } from './decide-record-stock-decremented.js';
import { decideRequestAction } from './decide-request-action.js';
import { decideResendAction } from './decide-resend-action.js';
import { decideRetryStockDecrement } from './decide-retry-stock-decrement.js';
import type { OrderCommand } from './order-commands.js';
import { OrderDomainError } from './order-domain-error.js';
import type { OrderEvent } from './order-events.js';
import type { OrderState } from './order-state.js';

/**
 * Pure decision: the events a command produces on the order as it stands, `[]` when its outcome already holds, or an
 * `OrderDomainError` when it does not apply. Deterministic, so a retry after a version conflict decides the same way.
 */
export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command?.type) {
    case 'ImportOrder':
      return decideImportOrder(command, state);
    case 'ReimportOrder':
      return decideReimportOrder(command, state);
    case 'RecordShopOrdersCreated':
      return decideRecordShopOrdersCreated(command, state);
    case 'RecordImportFailure':
      return decideRecordImportFailure(command, state);
    case 'RecordStockDecremented':
      return decideRecordStockDecremented(command, state);
    case 'RecordStockDecrementFailed':
      return decideRecordStockDecrementFailed(command, state);
    case 'RetryStockDecrement':
      return decideRetryStockDecrement(command, state);
    case 'RecordMerchantOrderIdsSent':
      return decideRecordMerchantOrderIdsSent(command, state);
    case 'ResynchronizeOrder':
      return decideResynchronizeOrder(command, state);
    case 'RecordShopStatusChange':
      return decideRecordShopStatusChange(command, state);
    case 'RequestShip':
    case 'RequestCancel':
    case 'RequestRefund':
      return decideRequestAction(command, state);
    case 'ResendAction':
      return decideResendAction(command, state);
    case 'RecordActionSent':
      return decideRecordActionSent(command, state);
    case 'RecordActionOutcome':
      return decideRecordActionOutcome(command, state);
    default:
      throw new OrderDomainError(
        'INVALID_COMMAND',
        `unknown command ${String((command as { type?: unknown } | undefined)?.type)}`,
      );
  }
}
