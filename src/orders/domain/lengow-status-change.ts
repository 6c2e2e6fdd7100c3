import { keysClosedByFinishingStatus } from './action-lifecycle.js';
import { isFinishingStatus, lengowStatusOf } from './lengow-status.js';
import type { MarketplaceDefinition } from './marketplace-definition.js';
import type { MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import type { OrderState } from './order-state.js';

/**
 * What a later poll of an imported order records: only a change of marketplace status, never a re-import. The Lengow
 * status comes from the definition's table; without a definition, Lengow's own `lengow_status` stands in so a
 * temporarily missing marketplace list does not lose the change.
 */
export function lengowStatusChange(
  state: OrderState,
  snapshot: MarketplaceOrderSnapshot,
  definition: MarketplaceDefinition | null,
  at: string,
): OrderEvent[] {
  if (snapshot.marketplaceStatus === state.marketplaceStatus) return [];
  const lengowStatus =
    lengowStatusOf(definition?.statusTable, snapshot.marketplaceStatus) ?? snapshot.lengowStatus ?? null;
  const finishing = isFinishingStatus(lengowStatus);
  return [
    orderEvent('LengowStatusChanged', {
      previousMarketplaceStatus: state.marketplaceStatus,
      marketplaceStatus: snapshot.marketplaceStatus,
      lengowStatus,
      finishing,
      closedKeys: finishing ? keysClosedByFinishingStatus(state) : [],
      at,
    }),
  ];
}
