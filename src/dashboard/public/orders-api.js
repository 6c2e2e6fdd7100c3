// How the overview's API answers map to what the list view shows. Kept apart from the view so the wire format is
// described in one file.

/** The states the counters and the state filter offer, in the order operators triage them. */
export const COUNTER_STATES = [
  { key: 'not_imported', label: 'Not imported', query: { importState: 'not_imported' } },
  { key: 'action_failed', label: 'Not shipped / not sent', query: { actionState: 'failed' } },
  { key: 'stock_failed', label: 'Stock not decremented', query: { stockState: 'failed' } },
  { key: 'action_waiting', label: 'Waiting for Lengow', query: { actionState: 'waiting' } },
  { key: 'pending', label: 'Importing', query: { importState: 'pending' } },
  { key: 'imported', label: 'Imported', query: { importState: 'imported' } },
  { key: 'ignored', label: 'Ignored', query: { importState: 'ignored' } },
  { key: 'closed', label: 'Closed', query: { progress: 'closed' } },
];

export const LENGOW_STATUSES = [
  'new',
  'waiting_acceptance',
  'accepted',
  'waiting_shipment',
  'shipped',
  'closed',
  'refused',
  'canceled',
  'refunded',
  'refunding',
  'partial_refunded',
];

/** Sorts the server can serve from an index (keyset cursors); other columns are not offered as sortable. */
export const SORTABLE = [
  { key: 'order_date', label: 'order date' },
  { key: 'last_event_at', label: 'last event' },
  { key: 'marketplace_order_id', label: 'marketplace order id' },
];

export function stateFilterQuery(state) {
  return COUNTER_STATES.find((entry) => entry.key === state)?.query ?? {};
}

/** The day after an ISO date (`2025-03-31` → `2025-04-01`): the API's upper bound is exclusive, the form's inclusive. */
export function nextDay(isoDate) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Query parameters of the list and the counters for the page's filters (state left out for the counters). */
export function filterQuery(filters, { withState = true } = {}) {
  return {
    ...(withState ? stateFilterQuery(filters.state) : {}),
    marketplace: filters.marketplace,
    lengowStatus: filters.lengowStatus,
    orderDateFrom: filters.from,
    orderDateTo: filters.to ? nextDay(filters.to) : '',
    search: filters.q,
  };
}

export const rowKey = (row) => row.stream ?? `order-${row.marketplace}-${row.marketplaceOrderId}`;

/** `{ items, nextCursor, position }` of a list page. */
export function pageFrom(body) {
  return { items: body?.items ?? [], nextCursor: body?.nextCursor ?? null, position: body?.position ?? null };
}

/**
 * `{ total, byState: {key: n}, byMarketplace: [{marketplace, label, count, stockFailed}] }` from the counters answer
 * (`{ total, importState, actionState, progress, stockFailed, marketplaces: [{ marketplace, label, total, stockFailed,
 * … }] }`). `stock_failed` and each marketplace's `stockFailed` are null when the engine cannot count them yet (its
 * overview is rebuilt after an upgrade): unknown, not 0.
 */
export function countersFrom(body) {
  const count = (group, key) => Number(body?.[group]?.[key] ?? 0);
  const byState = {
    not_imported: count('importState', 'not_imported'),
    stock_failed: countOrUnknown(body?.stockFailed),
    pending: count('importState', 'pending'),
    imported: count('importState', 'imported'),
    ignored: count('importState', 'ignored'),
    action_failed: count('actionState', 'failed'),
    action_waiting: count('actionState', 'waiting'),
    closed: count('progress', 'closed'),
  };
  const byMarketplace = (Array.isArray(body?.marketplaces) ? body.marketplaces : [])
    .map((entry) => ({
      marketplace: entry.marketplace,
      label: entry.label || entry.marketplace,
      count: Number(entry.total ?? 0),
      stockFailed: countOrUnknown(entry.stockFailed),
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return { total: Number(body?.total ?? 0), byState, byMarketplace };
}

const countOrUnknown = (value) => (value === null || value === undefined ? null : Number(value));

/**
 * The change an `order-changed` event announces: `{ stream, marketplace, marketplaceOrderId, revision, type }`. It
 * names the order and its new revision only; the page reads the order again to see what changed.
 */
export function orderChangeOf(event) {
  if (!event || event.type !== 'order-changed') return null;
  try {
    const data = JSON.parse(event.data);
    if (!data?.stream || typeof data.revision !== 'number') return null;
    return data;
  } catch {
    return null;
  }
}

/** Re-send the type that failed (the engine would pick the most recent failed one anyway; naming it is explicit). */
export function resendBody(row) {
  return row?.actionState === 'failed' && row.actionType ? { actionType: row.actionType } : {};
}
