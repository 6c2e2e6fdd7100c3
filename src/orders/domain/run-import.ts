import type { ImportTrigger } from './import-events.js';
import type { ImportLookups } from './import-lookups.js';
import type { ImportSettings } from './import-settings.js';
import type { ImportDecision } from './import-decision.js';
import type { MarketplaceDefinition } from './marketplace-definition.js';
import type { MarketplaceOrderSnapshot } from './marketplace-order-snapshot.js';
import { orderEvent, type OrderEvent } from './order-events.js';
import { orderFactsOf } from './order-facts.js';
import type { OrderKey } from './order-key.js';
import type { OrderState } from './order-state.js';
import { planShopOrders } from './plan-shop-orders.js';
import { validateOrder } from './validate-order.js';

export interface RunImportInput {
  readonly orderKey: OrderKey;
  readonly snapshot: MarketplaceOrderSnapshot;
  readonly definition: MarketplaceDefinition;
  readonly lookups: ImportLookups;
  readonly settings: ImportSettings;
  readonly configurationRevision: string | null;
  readonly trigger: ImportTrigger;
  readonly decision: Extract<ImportDecision, { kind: 'import' }>;
  readonly at: string;
}

/** Generation of the shop orders this import would create: the next one after an import, else the first. */
export function nextGeneration(state: OrderState): number {
  return state.import.status === 'imported' ? state.generation + 1 : Math.max(state.generation, 1);
}

/**
 * Validation then planning, shared by ImportOrder and ReimportOrder. Stock is planned only when no decrement was ever
 * planned for this order, so a re-import (or a retry after a failed creation) never decrements twice.
 */
export function runImport(state: OrderState, input: RunImportInput): OrderEvent[] {
  const { decision } = input;
  const generation = nextGeneration(state);
  const facts = orderFactsOf(input.snapshot, decision.lengowStatus);
  const validation = validateOrder({
    snapshot: input.snapshot,
    definition: input.definition,
    lookups: input.lookups,
    settings: input.settings,
    shippedByMarketplace: decision.shippedByMarketplace,
  });
  if (!validation.ok) {
    const previous =
      state.import.status === 'not_imported' && state.import.kind === 'permanent' ? state.import.attempt : 0;
    return [
      orderEvent('OrderImportFailed', {
        orderKey: input.orderKey,
        generation,
        kind: 'permanent',
        failures: validation.failures,
        attempt: previous + 1,
        nextAttemptAt: null,
        parked: false,
        configurationRevision: input.configurationRevision,
        marketplaceStatus: input.snapshot.marketplaceStatus,
        lengowStatus: decision.lengowStatus,
        filledIn: validation.filledIn,
        facts,
        at: input.at,
      }),
    ];
  }
  const plan = planShopOrders({
    orderKey: input.orderKey,
    generation,
    snapshot: input.snapshot,
    billing: validation.billing,
    packages: validation.packages,
    filledIn: validation.filledIn,
    settings: input.settings,
    lengowStatus: decision.lengowStatus,
    shippedByMarketplace: decision.shippedByMarketplace,
    decrementStock: decision.decrementStock && state.stock.status === 'none' && state.import.status !== 'imported',
  });
  return [
    orderEvent('OrderImportPlanned', {
      orderKey: input.orderKey,
      trigger: input.trigger,
      plan,
      configurationRevision: input.configurationRevision,
      // B2B as the plan decided it, on the billing address the shop orders get (possibly filled in from delivery).
      facts: { ...facts, business: plan.business },
      at: input.at,
    }),
  ];
}
