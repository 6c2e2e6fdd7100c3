/**
 * The shop could not be asked (connection refused, database down, timeout): nothing is known about the order's
 * products, so its import is recorded as a transient failure and retried with backoff, never as "not found".
 */
export class ShopUnavailable extends Error {
  readonly code = 'SHOP_UNAVAILABLE';
  readonly transient = true;

  constructor(
    readonly operation: string,
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause;
    super(
      `the shop could not be reached (${operation}): ${cause instanceof Error ? cause.message : String(cause)}`,
      options,
    );
    this.name = 'ShopUnavailable';
  }
}
