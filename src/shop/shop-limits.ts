/**
 * What the built-in shop stores, defined once. Its input checks (`validate-shop-input.ts`) refuse anything past these;
 * the import's validation (`orders/domain/validate-order.ts`) reads the same figures to refuse an order that carries
 * such a value before planning it, so that a marketplace's absurd figure is reported on the order, naming the field,
 * instead of surfacing as a shop refusal once the creation is under way. Constants only, no imports: the pure domain
 * may depend on this module.
 */
export const SHOP_LIMITS = {
  /** Units on one order line, and of one product in one stock movement. */
  maxQuantity: 1_000_000,
  /**
   * Any amount, in minor units: ten billion in major units, far beyond any real order, yet a 1 000-line order's sum
   * stays well inside the safe integer range.
   */
  maxCents: 1_000_000_000_000,
  /** Amounts are kept in minor units, 10^moneyDecimals to the major unit. */
  moneyDecimals: 2,
  /** Text columns: names, company, address lines, city, region, e-mail, ids. */
  maxText: 255,
  maxPostcode: 20,
  maxPhone: 40,
  maxVatNumber: 40,
} as const;

/** `maxCents` in major units: the largest amount an order may carry into the shop. */
export const SHOP_MAX_AMOUNT = SHOP_LIMITS.maxCents / 10 ** SHOP_LIMITS.moneyDecimals;

/**
 * Control characters the shop refuses in the texts it keeps as sent (tracking numbers, relay ids, change origins):
 * PostgreSQL text refuses NUL, and none of them means anything on a label.
 */
export const SHOP_CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
