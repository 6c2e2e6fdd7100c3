import {
  BUSINESS_ORDER_TYPE,
  hasOrderType,
  type MarketplaceOrderSnapshot,
  type OrderAddress,
} from './marketplace-order-snapshot.js';

const present = (value: string | null | undefined) => typeof value === 'string' && value.trim() !== '';

/**
 * B2B orders get business tax handling in the shop (lengow-api.md §9, `LengowOrder::isBusiness`): the marketplace says
 * so, or the first payment carries a fiscal, VAT or SIRET number, or the billing address has both a VAT number and a company.
 */
export function isBusinessOrder(
  snapshot: Pick<MarketplaceOrderSnapshot, 'orderTypes' | 'payments'>,
  billing: OrderAddress | null,
): boolean {
  if (hasOrderType(snapshot, BUSINESS_ORDER_TYPE)) return true;
  const terms = Array.isArray(snapshot.payments) ? snapshot.payments[0] : undefined;
  if (terms && (present(terms.fiscalNb) || present(terms.vatNumber) || present(terms.siretNumber))) return true;
  return billing !== null && present(billing.vatNumber) && present(billing.company);
}
