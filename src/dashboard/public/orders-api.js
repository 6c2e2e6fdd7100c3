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

/**
 * The instant a day of the form starts in the browser's time zone (`days` later: 1 for the next day), as an ISO
 * timestamp. The table shows order dates in local time, so the days filtered on must be local days too: a bare date
 * would be read by the engine as a UTC day. Built from the local calendar, so a 23- or 25-hour day (daylight saving)
 * still ends at the next local midnight. Anything that is not a `YYYY-MM-DD` date goes as typed: the engine says what
 * is wrong with it.
 */
export function localDayStart(isoDate, days = 0) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(date.getTime()) ? isoDate : date.toISOString();
}

/**
 * Query parameters of the list and the counters for the page's filters (state left out for the counters). The form's
 * "to" day is included; the API's upper bound is excluded, hence the start of the day after.
 */
export function filterQuery(filters, { withState = true } = {}) {
  return {
    ...(withState ? stateFilterQuery(filters.state) : {}),
    marketplace: filters.marketplace,
    lengowStatus: filters.lengowStatus,
    orderDateFrom: filters.from ? localDayStart(filters.from) : '',
    orderDateTo: filters.to ? localDayStart(filters.to, 1) : '',
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
