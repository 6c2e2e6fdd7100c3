import type { ActionType, MarketplaceDefinition } from './marketplace-definition.js';
import type { ShopChange } from './order-state.js';

/** Whether the marketplace's action of this type takes the argument, required or optional. */
function takes(definition: MarketplaceDefinition, actionType: ActionType, name: string): boolean {
  const action = definition.actions[actionType];
  return action !== undefined && (action.args.includes(name) || action.optionalArgs.includes(name));
}

/**
 * The merchant choices a recorded shop change brings to its action (lengow-api.md §10.2: `reason`, `refund_reason` are
 * the "merchant choice stored on the row, else default_value"): the reason the merchant gave in the shop. A cancel
 * takes it as `reason`. A refund takes it as `refund_reason` on most marketplaces but as `reason` on some (Amazon), so
 * the definition says which; with neither it goes as `refund_reason`, which the arguments then simply do not use.
 *
 * The reason is passed as given: the action's checks map a label to its code and refuse a value the marketplace does
 * not accept, rather than this silently falling back to a default the merchant did not choose.
 */
export function choicesOfShopChange(
  actionType: ActionType,
  change: ShopChange | undefined,
  definition: MarketplaceDefinition,
): Record<string, string> {
  if (!change || change.kind === 'shipped' || !change.reason) return {};
  if (actionType === 'cancel') return { reason: change.reason };
  if (actionType !== 'refund') return {};
  const name =
    !takes(definition, 'refund', 'refund_reason') && takes(definition, 'refund', 'reason') ? 'reason' : 'refund_reason';
  return { [name]: change.reason };
}
