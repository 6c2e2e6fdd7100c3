import { hash } from 'node:crypto';
import type { MarketplaceOrderSnapshot } from '../domain/marketplace-order-snapshot.js';

/**
 * The revision one order is decided on: the run's configuration revision, and a digest of the order as Lengow sent
 * it. The rules try a recorded failure again when the revision they see differs from the one it was recorded with, so
 * an order that failed on its own data (no exchange rate yet, a line without amount, a name the shop refuses) is
 * decided afresh once Lengow sends it corrected, not only when the configuration moves or an operator steps in.
 *
 * Delivery ids are left out: Lengow changes them on orders that did not otherwise change (lengow-api.md §13 #2), and
 * that must not decide a waiting failure again. The snapshot is built field by field by the mapper, so its JSON is
 * the same for the same order.
 */
export function orderDecisionRevision(configurationRevision: string, snapshot: MarketplaceOrderSnapshot): string {
  const material = {
    ...snapshot,
    packages: snapshot.packages.map(({ deliveryId: _deliveryId, ...rest }) => rest),
  };
  // One-shot `hash`: decided for every order of every run, and a third cheaper than a Hash object.
  const digest = hash('sha256', JSON.stringify(material), 'hex').slice(0, 16);
  return `${configurationRevision}:order-${digest}`;
}
