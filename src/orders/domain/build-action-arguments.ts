import { actionFailures, type ActionFailure } from './action-failure.js';
import { sameText, type CarrierMappingView, type ShopCarrier } from './carrier-mapping.js';
import type { LengowStatus } from './lengow-status.js';
import {
  acceptsLine,
  type ActionDefinition,
  type ActionType,
  type ArgumentDescription,
  type MarketplaceDefinition,
} from './marketplace-definition.js';
import { resolveShipCarrier, type ShipCarrierResolution } from './resolve-ship-carrier.js';

/** What the merchant did in the shop that the action reports. */
export interface ActionShipment {
  readonly carrier: ShopCarrier | null;
  readonly trackingNumber: string | null;
  readonly trackingUrl: string | null;
  readonly returnCarrier: ShopCarrier | null;
  readonly returnTrackingNumber: string | null;
}

export interface ActionOrderContext {
  /** Carrier and method the marketplace sent with the order. */
  readonly marketplaceCarrier: string | null;
  readonly shippingMethod: string | null;
  readonly deliveryCountry: string | null;
  readonly shippingAmount: number;
  /** Marketplace line ids the action is about (all lines of the shop order, or the refunded ones). */
  readonly lines: readonly string[];
  /**
   * Per-line quantity when the action is about some lines only (a partial refund), empty when it is about the whole
   * order: its presence is what tells the two apart.
   */
  readonly lineQuantities: Readonly<Record<string, number>>;
  /**
   * Quantity ordered of each marketplace line of the shop order: what tells a refund of a whole line from a refund of
   * part of it. A line missing here is not known to be refunded whole.
   */
  readonly orderedQuantities?: Readonly<Record<string, number>>;
}

export interface BuildActionArgumentsInput {
  readonly actionType: ActionType;
  readonly definition: MarketplaceDefinition;
  readonly lengowStatus: LengowStatus | null;
  readonly order: ActionOrderContext;
  readonly shipment: ActionShipment | null;
  readonly carrierMapping: CarrierMappingView;
  /** Merchant choices: `reason`, `refund_reason`, `refund_mode`, an edited `shipping_method`, or any argument without a rule. */
  readonly choices: Readonly<Record<string, string>>;
  readonly now: string;
}

export interface PlannedAction {
  /** Marketplace line id for per-line actions, null for one order-level action. */
  readonly line: string | null;
  /** Form fields to POST besides account, order and action type. */
  readonly arguments: Readonly<Record<string, string>>;
}

export type BuiltActions =
  | { readonly ok: true; readonly actions: readonly PlannedAction[] }
  | { readonly ok: false; readonly failures: readonly ActionFailure[] };

type Resolved = { readonly value: string | null } | { readonly failure: ActionFailure };

/** Arguments whose value comes from the merchant's choice first, then from the definition's default (plugins' behaviour). */
const CHOSEN_OR_DEFAULT = new Set(['reason', 'refund_reason', 'refund_mode']);
/** Arguments that have a rule of their own and are not overridden by a choice. */
const RULED = new Set([
  'carrier',
  'custom_carrier',
  'carrier_name',
  'tracking_number',
  'tracking_url',
  'shipping_price',
  'shipping_date',
  'delivery_date',
  'return_carrier',
  'return_tracking_number',
  'line',
]);

/**
 * Arguments that carry a line's quantity: the plugins' `quantity`, and for a refund Zalando's `refund_quantity` or any
 * argument the definition types as a quantity. Ship's `shipped_quantity` and cancel's `cancel_quantity` are not: the
 * engine reports whole shipments and cancellations, and leaves them to the merchant's choices.
 */
function isQuantityArgument(actionType: ActionType, name: string, description: ArgumentDescription | undefined) {
  if (name === 'quantity') return true;
  return actionType === 'refund' && (name === 'refund_quantity' || description?.type === 'quantity');
}

function hasQuantityArgument(actionType: ActionType, action: ActionDefinition): boolean {
  return [...action.args, ...action.optionalArgs].some((name) =>
    isQuantityArgument(actionType, name, action.argsDescription[name]),
  );
}

/** The code of a `refund_mode` value meaning a partial refund (`partial`, "Partial refund"), if the marketplace has one. */
function partialMode(description: ArgumentDescription | undefined): string | undefined {
  const partial = (text: string | undefined) => /^partial/i.test(text?.trim() ?? '');
  const values = description?.validValues ?? {};
  return Object.keys(values).find((code) => partial(code) || partial(values[code]));
}

const filled = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/** Values outside `valid_values` are refused before the call when the marketplace accepts no free values; labels map to codes. */
function checkValue(name: string, value: string, description: ArgumentDescription | undefined): Resolved {
  const codes = Object.keys(description?.validValues ?? {});
  if (!description || description.acceptFreeValues || codes.length === 0) return { value };
  const code =
    codes.find((candidate) => candidate === value) ??
    codes.find((candidate) => sameText(candidate, value)) ??
    codes.find((candidate) => sameText(description.validValues[candidate], value));
  return code === undefined ? { failure: actionFailures.invalidValue(name, value, codes) } : { value: code };
}

function argumentResolver(input: BuildActionArgumentsInput) {
  const { order, shipment, choices } = input;
  const carrierDescription = input.definition.actions[input.actionType]?.argsDescription.carrier;
  let shipCarrier: ShipCarrierResolution | undefined;
  const carrier = () =>
    (shipCarrier ??= resolveShipCarrier({
      marketplaceCarrier: order.marketplaceCarrier,
      deliveryCountry: order.deliveryCountry,
      shopCarrier: shipment?.carrier ?? null,
      mapping: input.carrierMapping,
      accepts: (value) => !('failure' in checkValue('carrier', value, carrierDescription)),
    }));

  return (
    name: string,
    required: boolean,
    line: string | null,
    description: ArgumentDescription | undefined,
  ): Resolved => {
    const fallback = required ? (description?.defaultValue ?? null) : null;
    if (isQuantityArgument(input.actionType, name, description)) {
      // Only the shop change says how many units go back: a choice or default could refund more than that.
      const quantity = line === null ? undefined : order.lineQuantities[line];
      return { value: quantity === undefined ? fallback : String(quantity) };
    }
    if (!RULED.has(name) && filled(choices[name])) return { value: choices[name] };
    switch (name) {
      case 'carrier':
      case 'custom_carrier': {
        const resolved = carrier();
        if (resolved.kind === 'no_country')
          return required ? { failure: actionFailures.noDeliveryCountry() } : { value: null };
        return { value: resolved.kind === 'resolved' ? resolved.value : null };
      }
      case 'carrier_name': {
        // Only with carrier "Other": Amazon rejected feeds carrying a carrier_name for named carriers (plugin 4.1.0).
        const resolved = carrier();
        const isOther = resolved.kind === 'resolved' && resolved.value.trim().toLowerCase() === 'other';
        return { value: isOther || required ? (shipment?.carrier?.name ?? null) : null };
      }
      case 'shipping_method':
        // Never the definition's default: Amazon then downgraded orders to "Standard" (plugin #88/#109).
        return { value: order.shippingMethod };
      case 'tracking_number':
        return { value: shipment?.trackingNumber ?? null };
      case 'tracking_url': {
        const number = shipment?.trackingNumber ?? null;
        if (!filled(number)) return { value: fallback };
        const template = shipment?.carrier?.trackingUrlTemplate ?? null;
        const url = shipment?.trackingUrl ?? (filled(template) ? template.split('@').join(number.trim()) : null);
        return { value: filled(url) ? url : fallback };
      }
      case 'shipping_price':
        return { value: order.shippingAmount.toFixed(2) };
      case 'shipping_date':
      case 'delivery_date':
        return { value: input.now };
      case 'return_carrier': {
        const returnCarrier = shipment?.returnCarrier ?? null;
        if (!returnCarrier) return { value: fallback };
        const mapped = input.carrierMapping.carriers.find(
          (entry) => sameText(entry.country, order.deliveryCountry) && entry.shopCarrier.id === returnCarrier.id,
        );
        return { value: mapped?.marketplaceCarrier ?? returnCarrier.name };
      }
      case 'return_tracking_number':
        return { value: shipment?.returnTrackingNumber ?? fallback };
      case 'refund_mode': {
        // A refund of some lines sent with the definition's default ("full") may have the marketplace refund it all.
        const partial = Object.keys(order.lineQuantities).length > 0 ? partialMode(description) : undefined;
        return { value: partial ?? description?.defaultValue ?? null };
      }
      default:
        return { value: CHOSEN_OR_DEFAULT.has(name) ? (description?.defaultValue ?? null) : fallback };
    }
  };
}

function argumentsFor(line: string | null, action: ActionDefinition, resolve: ReturnType<typeof argumentResolver>) {
  const failures: ActionFailure[] = [];
  const args: Record<string, string> = {};
  const names = [...new Set([...action.args, ...action.optionalArgs])].filter((name) => name !== 'line');
  for (const name of names) {
    const required = action.args.includes(name);
    const description = action.argsDescription[name];
    const resolved = resolve(name, required, line, description);
    if ('failure' in resolved) {
      failures.push(resolved.failure);
      continue;
    }
    // The plugins' checkAndCleanParams: a required argument must be non-empty; empty optional ones are not sent.
    if (!filled(resolved.value)) {
      if (required) failures.push(actionFailures.argumentRequired(name));
      continue;
    }
    const checked = checkValue(name, resolved.value.trim(), description);
    if ('failure' in checked) failures.push(checked.failure);
    else if (checked.value !== null) args[name] = checked.value;
  }
  if (line !== null) args.line = line;
  return { failures, args };
}

const marketplaceName = (definition: MarketplaceDefinition) => definition.label.trim() || definition.code;

/** Lines the action is about for part of their quantity only, when the marketplace takes no quantity for them. */
function partlyActedLines(input: BuildActionArgumentsInput, action: ActionDefinition) {
  const { lineQuantities, orderedQuantities, lines } = input.order;
  if (Object.keys(lineQuantities).length === 0 || !acceptsLine(action)) return [];
  if (hasQuantityArgument(input.actionType, action)) return [];
  return lines.flatMap((line) => {
    const quantity = lineQuantities[line];
    const ordered = orderedQuantities?.[line] ?? null;
    if (quantity === undefined || (ordered !== null && quantity >= ordered)) return [];
    return [{ line, quantity, ordered }];
  });
}

/**
 * Arguments of a ship/cancel/refund action for one shop order (lengow-api.md §10.2), checked against the marketplace
 * definition before anything is posted (§13 #8): if anything is wrong the result lists every reason and no call is made.
 * Where the plugins send a literal "<arg> not available" placeholder for a required argument without value, this
 * refuses instead, so that the merchant fixes the data rather than the marketplace receiving junk.
 */
export function buildActionArguments(input: BuildActionArgumentsInput): BuiltActions {
  const action = input.definition.actions[input.actionType];
  if (!action) return { ok: false, failures: [actionFailures.notSupported(input.actionType)] };
  // Without `line` the only action left is the order-level one, which acts on the whole order: for a partial refund,
  // money the merchant did not mean to give back, and no way to take it back. The plugins send it; this refuses instead,
  // before anything else, as nothing the merchant fixes in the order would make it sendable.
  if (Object.keys(input.order.lineQuantities).length > 0 && !acceptsLine(action)) {
    return {
      ok: false,
      failures: [actionFailures.wholeOrderOnly(marketplaceName(input.definition), input.actionType)],
    };
  }
  // A line sent without quantity is the whole line at the marketplace: the same money given back by mistake, one line
  // at a time. Refused before anything else for the same reason.
  const partLines = partlyActedLines(input, action);
  if (partLines.length > 0) {
    const marketplace = marketplaceName(input.definition);
    return {
      ok: false,
      failures: partLines.map(({ line, quantity, ordered }) =>
        actionFailures.wholeLineOnly(marketplace, input.actionType, line, quantity, ordered),
      ),
    };
  }
  // Only a refund is checked against the action's status list, as the plugins do (§4): ship and cancel go to Lengow,
  // which refuses a transition it does not allow. The engine's status is the one last polled, so a local check on them
  // would refuse a ship Lengow takes (an order imported as partial_refunded with lines still to ship, a status that
  // moved since the poll, a corrected tracking number on a shipped order). An empty list is read as "no restriction".
  if (
    input.actionType === 'refund' &&
    action.status.length > 0 &&
    (input.lengowStatus === null || !action.status.includes(input.lengowStatus))
  ) {
    return { ok: false, failures: [actionFailures.notAllowedInStatus(input.actionType, input.lengowStatus)] };
  }
  const lines = input.order.lines;
  if (action.args.includes('line') && lines.length === 0)
    return { ok: false, failures: [actionFailures.lineRequired()] };

  const resolve = argumentResolver(input);
  const targets: (string | null)[] = acceptsLine(action) && lines.length > 0 ? [...lines] : [null];
  const failures: ActionFailure[] = [];
  const actions: PlannedAction[] = [];
  for (const line of targets) {
    const built = argumentsFor(line, action, resolve);
    for (const failure of built.failures) {
      if (!failures.some((known) => known.message === failure.message)) failures.push(failure);
    }
    actions.push({ line, arguments: built.args });
  }
  return failures.length > 0 ? { ok: false, failures } : { ok: true, actions };
}
