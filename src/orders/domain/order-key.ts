import { OrderDomainError } from './order-domain-error.js';

/**
 * Identity of an order stream: (marketplace, marketplace_order_id) and nothing else. `delivery.id` is deliberately not
 * part of it: Lengow changed delivery ids on existing orders and the plugins duplicated orders because of it (PST-20038).
 */
export interface OrderKey {
  /** Lower-cased Lengow v3 code, e.g. `amazon_fr` (the plugins lower-case it before every lookup). */
  readonly marketplace: string;
  readonly marketplaceOrderId: string;
}

export function orderKeyOf(marketplace: string, marketplaceOrderId: string): OrderKey {
  const code = typeof marketplace === 'string' ? marketplace.trim().toLowerCase() : '';
  const id = typeof marketplaceOrderId === 'string' ? marketplaceOrderId.trim() : '';
  if (code === '') throw new OrderDomainError('INVALID_ORDER_KEY', 'marketplace name is required');
  if (id === '') throw new OrderDomainError('INVALID_ORDER_KEY', 'marketplace order reference is required');
  return { marketplace: code, marketplaceOrderId: id };
}

export function orderStreamName(key: OrderKey): string {
  return `order-${key.marketplace}-${key.marketplaceOrderId}`;
}

export function sameOrderKey(a: OrderKey, b: OrderKey): boolean {
  return a.marketplace === b.marketplace && a.marketplaceOrderId === b.marketplaceOrderId;
}
