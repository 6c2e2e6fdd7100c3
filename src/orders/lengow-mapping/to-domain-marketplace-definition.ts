import { deepFreeze } from '../../common/deep-freeze.js';
import type {
  ActionDefinition as LengowActionDefinition,
  ArgumentDescription as LengowArgumentDescription,
  CarrierDefinition,
  MarketplaceDefinition as LengowMarketplaceDefinition,
} from '../../lengow/marketplace-definition.js';
import type {
  ActionDefinition,
  ArgumentDescription,
  MarketplaceCarrierEntry,
  MarketplaceDefinition,
} from '../domain/marketplace-definition.js';

/**
 * The slice of a parsed `GET /v3.0/marketplaces` entry the order rules read, as plain frozen-friendly data: the domain
 * never sees the connector's class, so a change in the API's shape touches only this file. Every action the
 * marketplace offers is kept (accept/refuse too): the rules pick what they know and ignore the rest.
 */
export function toDomainMarketplaceDefinition(definition: LengowMarketplaceDefinition): MarketplaceDefinition {
  const actions: Record<string, ActionDefinition> = {};
  for (const [type, action] of definition.actions) actions[type] = toAction(action);
  return {
    code: definition.code,
    // Messages name the marketplace ("order shipped by Amazon FR"); the code is the only name some definitions have.
    label: nonBlank(definition.name) ?? definition.code,
    // Frozen, so the rules can index it once (lengowStatusOf).
    statusTable: deepFreeze(
      Object.fromEntries(
        Object.entries(definition.statusTable).map(([lengowStatus, statuses]) => [lengowStatus, [...statuses]]),
      ),
    ),
    actions,
    carriers: toCarrierTable(definition.carriers),
    shippingMethods: toCarrierTable(definition.shippingMethods),
  };
}

function toAction(action: LengowActionDefinition): ActionDefinition {
  const argsDescription: Record<string, ArgumentDescription> = {};
  for (const [name, description] of Object.entries(action.argsDescription))
    argsDescription[name] = toArgument(description);
  return {
    status: [...action.status],
    args: [...action.args],
    optionalArgs: [...action.optionalArgs],
    argsDescription,
  };
}

function toArgument(description: LengowArgumentDescription): ArgumentDescription {
  const fallback = description.defaultValue;
  return {
    type: description.type,
    validValues: { ...description.validValues },
    // Arguments travel as form fields, so a numeric or boolean default is sent as its text.
    defaultValue: fallback === null ? null : String(fallback),
    acceptFreeValues: description.acceptFreeValues,
  };
}

function toCarrierTable(entries: ReadonlyMap<string, CarrierDefinition>): Record<string, MarketplaceCarrierEntry> {
  const table: Record<string, MarketplaceCarrierEntry> = {};
  for (const [code, entry] of entries) {
    // A carrier listed without a label is matched by its code, which is also what the merchant sees.
    table[code] = { label: nonBlank(entry.label) ?? code, lengowCode: nonBlank(entry.lengowCode) };
  }
  return table;
}

function nonBlank(value: string | null): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
