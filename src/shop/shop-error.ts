/**
 * Stable codes of everything the shop refuses. HTTP, the bus and the import pipeline map these to their own shapes
 * (e.g. "Not imported" reasons), so a code never changes meaning once published.
 */
export type ShopErrorCode =
  /** The call's arguments are malformed: wrong type, negative quantity, non-integer cents, empty key… */
  | 'INVALID_SHOP_INPUT'
  | 'UNKNOWN_PRODUCT'
  /** A parent product that has variants was named by its parent id: "Product variation is needed". */
  | 'PRODUCT_VARIATION_NEEDED'
  | 'CURRENCY_NOT_ENABLED'
  | 'COUNTRY_NOT_ACTIVE'
  | 'UNKNOWN_CARRIER'
  | 'UNKNOWN_ORDER'
  | 'UNKNOWN_ORDER_LINE'
  | 'INSUFFICIENT_STOCK'
  | 'INVALID_STATE_TRANSITION'
  | 'REFUND_EXCEEDS_QUANTITY'
  /** An idempotency key was used again with different content: a bug in the caller, never silently "fixed". */
  | 'IDEMPOTENCY_KEY_REUSED';

/** One reason a request was refused; a refusal may carry several so an operator sees them all at once. */
export interface ShopProblem {
  code: ShopErrorCode;
  message: string;
  /** Where in the input the problem is, e.g. `packages[0].lines[1].productId`. */
  path?: string;
  [detail: string]: unknown;
}

export class ShopError extends Error {
  readonly code: ShopErrorCode;
  /** Every problem found, the first of which gives `code` and `message`. */
  readonly problems: ShopProblem[];

  constructor(problems: ShopProblem | ShopProblem[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    if (list.length === 0) throw new RangeError('ShopError needs at least one problem');
    super(list.length === 1 ? list[0].message : `${list[0].message} (and ${list.length - 1} more problem(s))`);
    this.name = 'ShopError';
    this.code = list[0].code;
    this.problems = list;
  }

  static of(code: ShopErrorCode, message: string, details: Omit<ShopProblem, 'code' | 'message'> = {}): ShopError {
    return new ShopError({ ...details, code, message });
  }
}

export function isShopError(error: unknown, code?: ShopErrorCode): error is ShopError {
  return error instanceof ShopError && (code === undefined || error.code === code);
}
