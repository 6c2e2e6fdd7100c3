/**
 * Marketplace definitions of `GET /v3.0/marketplaces` (lengow-api.md §4), parsed into typed objects with the lookups
 * the engine needs: status mapping, action rules, carriers. The parser is tolerant: older definitions lack
 * `args_description`, some lack `status` or `carriers`; absent parts become empty tables, never a crash.
 */

export type LengowActionType = 'ship' | 'cancel' | 'refund' | 'accept' | 'refuse' | (string & {});

export interface ArgumentDescription {
  /** e.g. `string`, `list`, `line_number`, `date`, `price`; null when the definition does not say. */
  type: string | null;
  /** code → label; `{code: label}` and `{code: {label}}` both read into this. */
  validValues: Readonly<Record<string, string>>;
  defaultValue: string | number | boolean | null;
  /** Absent in the definition means true. */
  acceptFreeValues: boolean;
  /** A structured condition such as carrier_name's `carrier == "Other"`, kept as sent. */
  dependsOn: unknown;
}

export interface ActionDefinition {
  type: LengowActionType;
  /** Lengow statuses in which the action is allowed. */
  status: readonly string[];
  args: readonly string[];
  optionalArgs: readonly string[];
  argsDescription: Readonly<Record<string, ArgumentDescription>>;
}

export interface CarrierDefinition {
  code: string;
  label: string | null;
  lengowCode: string | null;
}

const FREE_ARGUMENT: ArgumentDescription = {
  type: null,
  validValues: {},
  defaultValue: null,
  acceptFreeValues: true,
  dependsOn: null,
};

export class MarketplaceDefinition {
  private readonly statusIndex = new Map<string, string>();

  constructor(
    /** Lower-cased marketplace code. */
    readonly code: string,
    readonly name: string | null,
    readonly packageName: string | null,
    /** The v2 code; orders from plugin v2 may still carry it. */
    readonly legacyCode: string | null,
    readonly countryIsoA2: string | null,
    /** ISO 3166 alpha-3. */
    readonly country: string | null,
    /** lengow status → marketplace statuses, as sent. */
    readonly statusTable: Readonly<Record<string, readonly string[]>>,
    readonly actions: ReadonlyMap<string, ActionDefinition>,
    readonly carriers: ReadonlyMap<string, CarrierDefinition>,
    readonly shippingMethods: ReadonlyMap<string, CarrierDefinition>,
  ) {
    for (const [lengowStatus, marketplaceStatuses] of Object.entries(statusTable)) {
      for (const marketplaceStatus of marketplaceStatuses) {
        // A status listed twice keeps its first mapping, as the plugins' first-match loop does.
        if (!this.statusIndex.has(marketplaceStatus)) this.statusIndex.set(marketplaceStatus, lengowStatus);
      }
    }
  }

  /**
   * The Lengow status of a raw marketplace status (exact, case-sensitive match, as the plugins do), or null when the
   * table does not list it: the plugins treat an unmapped status as "not importable".
   */
  lengowStatusOf(marketplaceStatus: string | null | undefined): string | null {
    if (marketplaceStatus === null || marketplaceStatus === undefined) return null;
    return this.statusIndex.get(marketplaceStatus) ?? null;
  }

  /** The definition of an action type, or undefined when the marketplace does not offer it. */
  actionDefinition(type: LengowActionType): ActionDefinition | undefined {
    return this.actions.get(type);
  }

  /** Whether the action can target one order line: `line` among its required or optional arguments. */
  acceptsLine(type: LengowActionType): boolean {
    const action = this.actions.get(type);
    return action !== undefined && (action.args.includes('line') || action.optionalArgs.includes('line'));
  }

  /** Whether `lengowStatus` is one in which the action is allowed. */
  allowsAction(type: LengowActionType, lengowStatus: string): boolean {
    return this.actions.get(type)?.status.includes(lengowStatus) ?? false;
  }

  /** The description of an action argument; a free-text description when the definition has none (older shape). */
  argument(type: LengowActionType, name: string): ArgumentDescription {
    return this.actions.get(type)?.argsDescription[name] ?? FREE_ARGUMENT;
  }

  /**
   * "Carrier required" as the plugins define it: ship's `carrier` does not accept free values and ship offers no
   * free-text escape (`carrier_name` or `custom_carrier`), so the carrier must be mapped to one of the valid codes.
   */
  get carrierRequired(): boolean {
    const ship = this.actions.get('ship');
    if (!ship) return false;
    const offered = [...ship.args, ...ship.optionalArgs];
    if (offered.includes('carrier_name') || offered.includes('custom_carrier')) return false;
    return ship.argsDescription.carrier?.acceptFreeValues === false;
  }
}

export interface ParsedMarketplaces {
  definitions: Map<string, MarketplaceDefinition>;
  /** What was skipped or read as empty, e.g. `cdiscount.orders.actions.ship.args is not a list`. */
  problems: string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function textList(value: unknown, path: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${path} is not a list`);
    return [];
  }
  return value.map(text).filter((item): item is string => item !== null);
}

function objectAt(value: unknown, path: string, problems: string[]): Json {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.push(`${path} is not an object`);
    return {};
  }
  return value;
}

function argumentDescription(value: unknown, path: string, problems: string[]): ArgumentDescription {
  const raw = objectAt(value, path, problems);
  const validValues: Record<string, string> = {};
  for (const [code, entry] of Object.entries(objectAt(raw.valid_values, `${path}.valid_values`, problems))) {
    validValues[code] = (isObject(entry) ? text(entry.label) : text(entry)) ?? code;
  }
  const fallback = raw.default_value;
  return {
    type: text(raw.type),
    validValues,
    defaultValue:
      typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean' ? fallback : null,
    acceptFreeValues: raw.accept_free_values !== false,
    dependsOn: raw.depends_on ?? null,
  };
}

function action(type: string, value: Json, path: string, problems: string[]): ActionDefinition {
  const argsDescription: Record<string, ArgumentDescription> = {};
  for (const [name, entry] of Object.entries(objectAt(value.args_description, `${path}.args_description`, problems))) {
    argsDescription[name] = argumentDescription(entry, `${path}.args_description.${name}`, problems);
  }
  return {
    type,
    status: textList(value.status, `${path}.status`, problems),
    args: textList(value.args, `${path}.args`, problems),
    optionalArgs: textList(value.optional_args, `${path}.optional_args`, problems),
    argsDescription,
  };
}

function carriers(value: unknown, path: string, problems: string[]): Map<string, CarrierDefinition> {
  const table = new Map<string, CarrierDefinition>();
  for (const [code, entry] of Object.entries(objectAt(value, path, problems))) {
    const raw = isObject(entry) ? entry : { label: entry };
    table.set(code, { code, label: text(raw.label), lengowCode: text(raw.lengow_code) });
  }
  return table;
}

/** Reads one entry of the marketplaces object; `code` is its key. */
export function parseMarketplaceDefinition(
  code: string,
  value: unknown,
  problems: string[] = [],
): MarketplaceDefinition | null {
  const key = code.toLowerCase();
  if (!isObject(value)) {
    problems.push(`${key} is not an object`);
    return null;
  }
  const orders = objectAt(value.orders, `${key}.orders`, problems);
  const statusTable: Record<string, string[]> = {};
  for (const [lengowStatus, list] of Object.entries(objectAt(orders.status, `${key}.orders.status`, problems))) {
    statusTable[lengowStatus] = textList(list, `${key}.orders.status.${lengowStatus}`, problems);
  }
  const actions = new Map<string, ActionDefinition>();
  for (const [type, entry] of Object.entries(objectAt(orders.actions, `${key}.orders.actions`, problems))) {
    const path = `${key}.orders.actions.${type}`;
    if (!isObject(entry)) {
      problems.push(`${path} is not an object`);
      continue;
    }
    actions.set(type, action(type, entry, path, problems));
  }
  return new MarketplaceDefinition(
    key,
    text(value.name),
    text(value.package),
    text(value.legacy_code),
    text(value.country_iso_a2),
    text(value.country),
    statusTable,
    actions,
    carriers(orders.carriers, `${key}.orders.carriers`, problems),
    carriers(orders.shipping_methods, `${key}.orders.shipping_methods`, problems),
  );
}

/**
 * Reads the whole `GET /v3.0/marketplaces` body (an object keyed by marketplace code). Returns null when the body is
 * not such an object; otherwise every readable entry, keyed by lower-cased code, and the problems met on the way.
 */
export function parseMarketplaces(raw: unknown): ParsedMarketplaces | null {
  if (!isObject(raw)) return null;
  const problems: string[] = [];
  const definitions = new Map<string, MarketplaceDefinition>();
  for (const [code, value] of Object.entries(raw)) {
    const definition = parseMarketplaceDefinition(code, value, problems);
    if (definition) definitions.set(definition.code, definition);
  }
  return { definitions, problems };
}
