/**
 * The slice of a `GET /v3.0/marketplaces` entry the rules read (lengow-api.md §4), normalised by the Lengow mapper:
 * `valid_values` flattened to code → label, absent `accept_free_values` already turned into `true`.
 */
export type ActionType = 'ship' | 'cancel' | 'refund';
export const ACTION_TYPES: readonly ActionType[] = ['ship', 'cancel', 'refund'];

export interface ArgumentDescription {
  readonly type: string | null;
  /** code → label; empty when the marketplace lists no values. */
  readonly validValues: Readonly<Record<string, string>>;
  readonly defaultValue: string | null;
  readonly acceptFreeValues: boolean;
}

export interface ActionDefinition {
  /** Lengow statuses in which the action is allowed. */
  readonly status: readonly string[];
  readonly args: readonly string[];
  readonly optionalArgs: readonly string[];
  readonly argsDescription: Readonly<Record<string, ArgumentDescription>>;
}

export interface MarketplaceCarrierEntry {
  readonly label: string;
  readonly lengowCode: string | null;
}

export interface MarketplaceDefinition {
  readonly code: string;
  /** Human name used in messages, e.g. "Amazon FR". */
  readonly label: string;
  /** lengow status → raw marketplace statuses. */
  readonly statusTable: Readonly<Record<string, readonly string[]>>;
  readonly actions: Readonly<Partial<Record<string, ActionDefinition>>>;
  readonly carriers: Readonly<Record<string, MarketplaceCarrierEntry>>;
  readonly shippingMethods: Readonly<Record<string, MarketplaceCarrierEntry>>;
}

/** The marketplace accepts per-line actions when `line` is among the action's arguments (the plugins' `containOrderLine`). */
export function acceptsLine(action: ActionDefinition): boolean {
  return action.args.includes('line') || action.optionalArgs.includes('line');
}
