import type { JsonObject } from './order-store.js';
import {
  lengowStatusOf,
  marketplaceStatusFor,
  type ActionDefinition,
  type LengowStatus,
  type MarketplaceDefinition,
} from './marketplaces.js';

/**
 * What the marketplace says about an action once Lengow hands it over: the refusals a real channel gives (status not
 * allowed, missing argument, value outside the list) and, when accepted, how the order moves on.
 */

export interface ActionRequest {
  actionType: string;
  line: string | null;
  /** Every marketplace argument received, `line` excluded. */
  args: Record<string, string>;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function currentLengowStatus(definition: MarketplaceDefinition, order: JsonObject): string | null {
  return (
    lengowStatusOf(definition, typeof order.marketplace_status === 'string' ? order.marketplace_status : null) ??
    (typeof order.lengow_status === 'string' ? order.lengow_status : null)
  );
}

function cartLines(order: JsonObject): JsonObject[] {
  const packages = Array.isArray(order.packages) ? order.packages.filter(isObject) : [];
  return packages.flatMap((p) => (Array.isArray(p.cart) ? p.cart.filter(isObject) : []));
}

/** The refusal messages for this action on this order, empty when the marketplace accepts it. */
export function refusalsFor(
  definition: MarketplaceDefinition,
  action: ActionDefinition,
  order: JsonObject,
  request: ActionRequest,
): string[] {
  const errors: string[] = [];
  const status = currentLengowStatus(definition, order);
  if (action.status.length > 0 && (status === null || !action.status.includes(status))) {
    errors.push(
      `action ${request.actionType} is not allowed for an order in status ${status ?? 'unknown'} (allowed: ${action.status.join(', ')})`,
    );
  }
  const valueOf = (name: string): string | undefined =>
    name === 'line' ? (request.line ?? undefined) : request.args[name];
  for (const name of action.args) {
    const value = valueOf(name);
    if (value === undefined || value.trim() === '') errors.push(`${name} is required`);
  }
  for (const name of [...action.args, ...action.optional_args]) {
    const value = valueOf(name);
    const description = action.args_description[name];
    if (value === undefined || value === '' || !description) continue;
    const codes = Object.keys(description.valid_values ?? {});
    if (description.accept_free_values === false && codes.length > 0 && !codes.includes(value)) {
      errors.push(`${name}: "${value}" is not a valid value (expected one of ${codes.join(', ')})`);
    }
    if (description.type === 'date' && Number.isNaN(Date.parse(value)))
      errors.push(`${name}: "${value}" is not a date`);
    if (description.type === 'price' && !/^-?\d+(\.\d+)?$/.test(value))
      errors.push(`${name}: "${value}" is not a price`);
    const condition = description.depends_on?.conditions?.[0];
    if (condition && condition.function === 'equals' && valueOf(condition.key_path.path) !== condition.value) {
      errors.push(`${name} is only accepted when ${condition.key_path.path} is ${condition.value}`);
    }
  }
  // The reverse of depends_on: an "Other" carrier means nothing to the marketplace without its name.
  for (const [name, description] of Object.entries(action.args_description)) {
    const condition = description.depends_on?.conditions?.[0];
    if (condition?.function === 'equals' && valueOf(condition.key_path.path) === condition.value && !valueOf(name)) {
      errors.push(`${name} is required when ${condition.key_path.path} is ${condition.value}`);
    }
  }
  if (request.line !== null && !cartLines(order).some((l) => String(l.marketplace_order_line_id) === request.line)) {
    errors.push(`line ${request.line} does not exist in order ${String(order.marketplace_order_id)}`);
  }
  return errors;
}

const TARGET: Record<string, LengowStatus> = {
  ship: 'shipped',
  cancel: 'canceled',
  refund: 'refunded',
  accept: 'accepted',
  refuse: 'refused',
};

/**
 * Applies an accepted action. Order-level actions move the order and its lines; a line-level action moves that line,
 * and the order follows once no other live line is left behind. Returns true when anything changed.
 */
export function applyAcceptedAction(
  definition: MarketplaceDefinition,
  order: JsonObject,
  request: ActionRequest,
): boolean {
  const target = TARGET[request.actionType];
  if (!target) return false;
  const raw = marketplaceStatusFor(definition, target);
  const lines = cartLines(order);
  const stateOf = (line: JsonObject) =>
    lengowStatusOf(definition, typeof line.marketplace_status === 'string' ? line.marketplace_status : null);
  const setLine = (line: JsonObject) => {
    if (raw) {
      line.marketplace_status = raw;
      line.lengow_status = target;
    }
  };
  const dead = new Set<string | null>(['canceled', 'refused', 'refunded']);
  const affected =
    request.line === null
      ? lines.filter((l) => !dead.has(stateOf(l)))
      : lines.filter((l) => String(l.marketplace_order_line_id) === request.line);
  affected.forEach(setLine);

  if (request.actionType === 'ship') recordTracking(order, request);

  const live = lines.filter((l) => !dead.has(stateOf(l)));
  let orderTarget: LengowStatus | null = null;
  if (request.line === null) orderTarget = target;
  else if (target === 'canceled' || target === 'refused') orderTarget = live.length === 0 ? target : null;
  else if (target === 'refunded') {
    orderTarget =
      live.length === 0 ? 'refunded' : definition.orders.status.partial_refunded ? 'partial_refunded' : null;
  } else orderTarget = live.every((l) => stateOf(l) === target) ? target : null;

  const orderRaw = orderTarget ? marketplaceStatusFor(definition, orderTarget) : null;
  if (orderTarget && orderRaw) {
    order.marketplace_status = orderRaw;
    order.lengow_status = orderTarget;
  }
  return true;
}

function recordTracking(order: JsonObject, request: ActionRequest): void {
  const packages = Array.isArray(order.packages) ? order.packages.filter(isObject) : [];
  const targets =
    request.line === null
      ? packages
      : packages.filter(
          (p) =>
            Array.isArray(p.cart) &&
            p.cart.some((l) => isObject(l) && String(l.marketplace_order_line_id) === request.line),
        );
  for (const pack of targets) {
    if (!isObject(pack.delivery)) continue;
    const delivery = pack.delivery;
    if (!Array.isArray(delivery.trackings)) delivery.trackings = [];
    const trackings = delivery.trackings as unknown[];
    if (!isObject(trackings[0]))
      trackings[0] = { carrier: null, method: null, number: null, url: null, relay: { id: null, name: null } };
    const tracking = trackings[0] as JsonObject;
    if (request.args.carrier) tracking.carrier = request.args.carrier_name || request.args.carrier;
    if (request.args.tracking_number) tracking.number = request.args.tracking_number;
    if (request.args.tracking_url) tracking.url = request.args.tracking_url;
    if (request.args.shipping_method) tracking.method = request.args.shipping_method;
  }
}
