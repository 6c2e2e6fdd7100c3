import { createHash } from 'node:crypto';
import type { StockDecrementPlan } from '../domain/plan-shop-orders.js';
import type { StockDecrementFailure } from '../domain/stock-decrement-failure.js';
import type { OrderSettingsReader } from '../../settings/order-settings.port.js';
import type { Shop } from '../../shop/shop.port.js';
import { stockDecrementFailureOf } from './stock-decrement-failure-of.js';
import { shopProductId } from './to-create-shop-orders-input.js';

/** The shop's limit on idempotency keys (as for creations, `shopOrdersKey`). */
const MAX_KEY_LENGTH = 200;

/**
 * The key the shop deduplicates the decrement on. An order id near Lengow's longest makes the plan's key (stream name
 * + `:stock`) longer than the shop accepts, which it refused on every try; such a key is sent as its digest, the same
 * on every try.
 */
export function shopStockKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `stock:${createHash('sha256').update(key).digest('hex')}`;
}

export type TakenStock =
  | { readonly kind: 'decremented'; readonly applied: boolean }
  /** A refusal only someone in the shop can fix (`stockDecrementFailureOf`): nothing was taken. */
  | { readonly kind: 'refused'; readonly failure: StockDecrementFailure };

/**
 * One try at an order's planned decrement, under its key, so a second try after a crash takes nothing more; stock may
 * go below zero when the "force product" setting is on. What the shop refuses for good comes back as `refused`;
 * anything else (the shop unreachable, a refusal that means a bug) is thrown, for the caller to retry.
 */
export async function takeOrderStock(
  shop: Shop,
  settings: OrderSettingsReader,
  plan: StockDecrementPlan,
): Promise<TakenStock> {
  const { import: importSettings } = await settings.current();
  try {
    const movement = await shop.decrementStock(
      shopStockKey(plan.key),
      plan.lines.map((line) => ({ productId: shopProductId(line.product), quantity: line.quantity })),
      { allowNegative: importSettings.forceProduct },
    );
    return { kind: 'decremented', applied: movement.applied };
  } catch (error) {
    const failure = stockDecrementFailureOf(error);
    if (!failure) throw error;
    return { kind: 'refused', failure };
  }
}
