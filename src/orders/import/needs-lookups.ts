import type { ImportSettings } from '../domain/import-settings.js';
import { lengowStatusOf } from '../domain/lengow-status.js';
import type { MarketplaceDefinition } from '../domain/marketplace-definition.js';
import { isShippedByMarketplace, type MarketplaceOrderSnapshot } from '../domain/marketplace-order-snapshot.js';

/**
 * False when the import rules cannot create shop orders for this order whatever its stream holds, so looking its
 * products up would be wasted (about a quarter of a typical poll): its status is not importable, a line still awaits
 * acceptance, or the marketplace ships it and such orders are not created. Each of these gates of `importDecision`
 * applies to every import state and trigger; the domain still makes the decision, this only spares the shop.
 */
export function needsLookups(
  snapshot: MarketplaceOrderSnapshot,
  definition: Pick<MarketplaceDefinition, 'statusTable'>,
  settings: Pick<ImportSettings, 'importableStatuses' | 'createShippedByMarketplace'>,
): boolean {
  const status = lengowStatusOf(definition.statusTable, snapshot.marketplaceStatus);
  if (status === null || !settings.importableStatuses.includes(status)) return false;
  const lines = (snapshot.packages ?? []).flatMap((item) => item?.lines ?? []);
  if (lines.some((line) => lengowStatusOf(definition.statusTable, line.marketplaceStatus) === 'waiting_acceptance'))
    return false;
  return !(isShippedByMarketplace(snapshot) && !settings.createShippedByMarketplace);
}
