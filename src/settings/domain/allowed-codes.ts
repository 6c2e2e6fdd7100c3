import type { MarketplaceDefinition } from '../../orders/domain/marketplace-definition.js';
import type { AllowedCodes } from './settings-commands.js';

type DefinitionSlice = Pick<MarketplaceDefinition, 'actions' | 'carriers' | 'shippingMethods'>;

function allowedFor(table: Readonly<Record<string, unknown>>, definition: DefinitionSlice, argument: string) {
  const description = definition.actions.ship?.argsDescription[argument];
  const codes = new Set([...Object.keys(table), ...Object.keys(description?.validValues ?? {})]);
  // An argument the definition does not describe takes free values (lengow-api.md §4: absent = true).
  return { codes: [...codes].sort(), acceptFreeValues: description?.acceptFreeValues ?? true };
}

/**
 * The carrier codes a marketplace's `ship` accepts: its `carriers` table plus the `carrier` argument's valid values,
 * free values allowed unless that argument says otherwise. What a sender puts in MapCarrier / SetDefaultCarrier.
 */
export function allowedCarriersOf(definition: DefinitionSlice): AllowedCodes {
  return allowedFor(definition.carriers, definition, 'carrier');
}

/** Same for `shipping_method` and the `shipping_methods` table; for MapShippingMethod. */
export function allowedMethodsOf(definition: DefinitionSlice): AllowedCodes {
  return allowedFor(definition.shippingMethods, definition, 'shipping_method');
}
