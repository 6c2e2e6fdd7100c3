/**
 * Every way a command can fail to apply. The codes are a stable contract: HTTP and the bus map them to their own shapes,
 * so rename a code only together with every adapter that maps it.
 */
export type OrderErrorCode =
  | 'INVALID_COMMAND'
  | 'INVALID_ORDER_KEY'
  | 'INVALID_TIMESTAMP'
  | 'ORDER_KEY_MISMATCH'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_NOT_IMPORTED'
  | 'ORDER_ALREADY_IMPORTED'
  | 'IMPORT_IN_PROGRESS'
  | 'NO_PENDING_IMPORT'
  | 'IMPORT_GENERATION_MISMATCH'
  | 'SHOP_ORDER_KEYS_MISMATCH'
  | 'REIMPORT_NOT_ALLOWED'
  | 'STOCK_DECREMENT_NOT_EXPECTED'
  | 'STOCK_ALREADY_DECREMENTED'
  | 'NO_FAILED_STOCK_DECREMENT'
  | 'MOI_REQUEST_NOT_FOUND'
  | 'SHOP_ORDER_NOT_FOUND'
  | 'SHOP_ORDER_REPLACED'
  | 'SHOP_CHANGE_NOT_FOUND'
  | 'SHOP_CHANGE_KIND_MISMATCH'
  | 'SHOP_CHANGE_CONFLICT'
  | 'LINE_NOT_FOUND'
  | 'REFUND_QUANTITY_EXCEEDED'
  | 'ACTION_NOT_APPLICABLE'
  | 'ACTION_NOT_FOUND'
  | 'ACTION_NOT_SENT'
  | 'ACTION_ALREADY_FINISHED'
  | 'ACTION_ID_CONFLICT'
  | 'ACTION_TIMEOUT_NOT_REACHED'
  | 'ACTION_STILL_OPEN'
  | 'NO_FAILED_ACTION';

/** A command that does not apply to the order as it stands. Never thrown for bad Lengow data: that becomes an event. */
export class OrderDomainError extends Error {
  constructor(
    readonly code: OrderErrorCode,
    message: string,
    /** Structured context for callers (e.g. the validation failures that blocked a re-import). */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'OrderDomainError';
  }
}
