/**
 * Action resources of `/v3.0/orders/actions/` (lengow-api.md §5) and the classification of their outcome. Lengow has
 * no status enum: the state is read from `queued`, `processed` and `errors`.
 */

export interface LengowAction {
  /** Lengow's action id. */
  id: number;
  marketplaceOrderId: string | null;
  /** Lower-cased. */
  marketplace: string | null;
  accountId: number | null;
  actionType: string | null;
  line: string | null;
  /** Null when the resource omitted it. */
  queued: boolean | null;
  processed: boolean | null;
  /** The marketplace's refusal, normalised: null, `""`, `[]` and `{}` all mean "no error" (an empty list). */
  errors: string[];
  createdAt: string | null;
  updatedAt: string | null;
  /** The resource as sent (tracking number, carrier, reason…). */
  raw: Record<string, unknown>;
}

export type ActionState =
  | { state: 'queued' }
  | { state: 'waiting_marketplace' }
  | { state: 'accepted' }
  | { state: 'refused'; errors: string[] };

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function flag(value: unknown): boolean | null {
  if (value === true || value === 'true' || value === 'True' || value === 1) return true;
  if (value === false || value === 'false' || value === 'False' || value === 0) return false;
  return null;
}

/** `errors` has been seen as `""` and null; its production type (string or list) is unverified, so read both. */
export function normaliseActionErrors(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((item) => normaliseActionErrors(item));
  if (typeof value === 'object') {
    return Object.keys(value).length === 0 ? [] : [JSON.stringify(value)];
  }
  return [String(value)];
}

/**
 * Reads one action resource. Returns null when it has no usable `id` (integer or digit string): without it the
 * action cannot be matched to anything, and the caller reports the response as malformed.
 */
export function parseActionResource(raw: unknown): LengowAction | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const record = raw as Record<string, unknown>;
  const id =
    typeof record.id === 'number'
      ? record.id
      : typeof record.id === 'string' && /^\d+$/.test(record.id)
        ? Number(record.id)
        : NaN;
  if (!Number.isSafeInteger(id)) return null;
  const accountId = typeof record.account_id === 'number' ? record.account_id : Number(text(record.account_id) ?? NaN);
  return {
    id,
    marketplaceOrderId: text(record.marketplace_order_id),
    marketplace: text(record.marketplace)?.toLowerCase() ?? null,
    accountId: Number.isFinite(accountId) ? accountId : null,
    actionType: text(record.action_type),
    line: text(record.line),
    queued: flag(record.queued),
    processed: flag(record.processed),
    errors: normaliseActionErrors(record.errors),
    createdAt: text(record.created_at),
    updatedAt: text(record.updated_at),
    raw: record,
  };
}

/**
 * The outcome of an action per lengow-api.md §5: queued in Lengow → `queued`; sent and not yet answered →
 * `waiting_marketplace`; processed without error → `accepted`; any error once out of the queue → `refused` with the
 * errors verbatim. Null or empty `errors` is "no error" (the plugins' `isset` quirk left such actions open forever).
 * A resource that omits `queued` is treated as still queued: nothing can be concluded from it yet.
 */
export function classifyAction(action: Pick<LengowAction, 'queued' | 'processed' | 'errors'>): ActionState {
  if (action.queued === true) return { state: 'queued' };
  if (action.errors.length > 0) return { state: 'refused', errors: [...action.errors] };
  if (action.processed === true) return { state: 'accepted' };
  return action.queued === false ? { state: 'waiting_marketplace' } : { state: 'queued' };
}
