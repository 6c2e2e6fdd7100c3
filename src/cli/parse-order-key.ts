import { InvalidArgumentError } from 'commander';
import type { OrderKey } from '../orders/domain/order-key.js';

const MARKETPLACE = /^[a-z0-9][a-z0-9_.-]*$/;

/**
 * `<marketplace>:<marketplace_order_id>` → OrderKey. Splits at the first colon only: marketplace codes never contain
 * one, order references might. Throws commander's InvalidArgumentError, so a malformed key is a usage error (exit 2)
 * reported like any other bad argument.
 */
export function parseOrderKey(value: string): OrderKey {
  const colon = value.indexOf(':');
  if (colon < 0)
    throw new InvalidArgumentError('expected <marketplace>:<order id>, e.g. amazon_fr:402-1234567-0000001');
  const marketplace = value.slice(0, colon).trim().toLowerCase();
  const marketplaceOrderId = value.slice(colon + 1).trim();
  if (!MARKETPLACE.test(marketplace)) {
    throw new InvalidArgumentError('the marketplace code must be letters, digits, "_", "." or "-" (e.g. amazon_fr)');
  }
  if (marketplaceOrderId === '') throw new InvalidArgumentError('the order id after ":" is empty');
  if (marketplaceOrderId.length > 200) throw new InvalidArgumentError('the order id is longer than 200 characters');
  // Control characters cannot come from Lengow and would garble the terminal when echoed back.
  if (/\p{Cc}/u.test(marketplaceOrderId)) throw new InvalidArgumentError('the order id contains control characters');
  return { marketplace, marketplaceOrderId };
}

export function formatOrderKey(key: OrderKey): string {
  return `${key.marketplace}:${key.marketplaceOrderId}`;
}
