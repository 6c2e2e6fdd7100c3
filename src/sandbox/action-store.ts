import { formatIso } from './iso-dates.js';

/**
 * Actions sent to the sandbox. Each one is queued, may then sit "sent to the marketplace" for a while, and is finally
 * processed: accepted, or refused with `errors` (lengow-api.md §5 result semantics).
 */

export interface SandboxAction {
  id: number;
  accountId: number;
  marketplaceOrderId: string;
  marketplace: string;
  actionType: string;
  line: string | null;
  /** Marketplace arguments as received, `line` excluded. */
  args: Record<string, string>;
  createdAtMs: number;
  updatedAtMs: number;
  /** Leaves the queue at this instant... */
  queuedUntilMs: number;
  /** ...and gets the marketplace's answer at this one. */
  completesAtMs: number;
  queued: boolean;
  processed: boolean;
  /** "" while pending, null once accepted (as the help pages show), the refusal text when refused. */
  errors: string | null;
}

/** Fields of the action resource that are not marketplace arguments. */
const RESOURCE_ARGUMENT_FIELDS = [
  'tracking_number',
  'tracking_url',
  'carrier',
  'custom_carrier',
  'declared_value',
  'currency_code',
  'invoice_number',
  'shipping_method',
  'shipping_date',
  'shipping_service_id',
  'shipping_service_offer_id',
  'weight',
  'weight_unit',
  'comment',
  'delay',
  'reason',
  'charges',
] as const;

/** The action as the API shows it: every documented field present, plus any other argument it was sent with. */
export function actionResource(action: SandboxAction): Record<string, unknown> {
  const resource: Record<string, unknown> = {
    id: action.id,
    marketplace_order_id: action.marketplaceOrderId,
    account_id: action.accountId,
    marketplace: action.marketplace,
    action_type: action.actionType,
    processed: action.processed,
    queued: action.queued,
    errors: action.errors,
  };
  for (const field of RESOURCE_ARGUMENT_FIELDS) resource[field] = action.args[field] ?? null;
  resource.line = action.line;
  for (const [name, value] of Object.entries(action.args)) if (!(name in resource)) resource[name] = value;
  resource.created_at = formatIso(action.createdAtMs, 'micro-z');
  resource.updated_at = formatIso(action.updatedAtMs, 'micro-z');
  return resource;
}

export interface ActionFilter {
  id?: number;
  updatedFrom?: number;
  updatedTo?: number;
  queued?: boolean;
  processed?: boolean;
  /** Equality on identity fields (`marketplace_order_id`, `marketplace`, `action_type`, `line`) and on arguments. */
  fields: Record<string, string>;
}

export function actionMatches(action: SandboxAction, filter: ActionFilter): boolean {
  if (filter.id !== undefined && action.id !== filter.id) return false;
  if (filter.updatedFrom !== undefined && action.updatedAtMs < filter.updatedFrom) return false;
  if (filter.updatedTo !== undefined && action.updatedAtMs > filter.updatedTo) return false;
  if (filter.queued !== undefined && action.queued !== filter.queued) return false;
  if (filter.processed !== undefined && action.processed !== filter.processed) return false;
  for (const [name, expected] of Object.entries(filter.fields)) {
    const actual =
      name === 'marketplace_order_id'
        ? action.marketplaceOrderId
        : name === 'marketplace'
          ? action.marketplace
          : name === 'action_type'
            ? action.actionType
            : name === 'line'
              ? action.line
              : action.args[name];
    if (actual === undefined || actual === null || actual !== expected) return false;
  }
  return true;
}
