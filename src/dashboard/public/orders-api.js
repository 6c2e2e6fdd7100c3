// How the overview's API answers map to what the list view shows. Kept apart from the view so the wire format is
// described in one file.

/** The states the counters and the state filter offer, in the order operators triage them. */
export const COUNTER_STATES = [
  { key: 'not_imported', label: 'Not imported', query: { importState: 'not_imported' } },
  { key: 'action_failed', label: 'Not shipped / not sent', query: { actionState: 'failed' } },
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

export const rowKey = (row) => row.stream ?? `order-${row.marketplace}-${row.marketplaceOrderId}`;

/** `{ items, nextCursor, total }` from a page of the list. */
export function pageFrom(body) {
  const items = body?.items ?? body?.orders ?? body?.data ?? body?.results ?? [];
  const nextCursor = body?.nextCursor ?? body?.next ?? body?.page?.nextCursor ?? null;
  const total = body?.total ?? body?.page?.total ?? body?.count ?? null;
  return { items, nextCursor, total: typeof total === 'number' ? total : null };
}

/**
 * `{ total, byState: {key: n}, byMarketplace: [{marketplace, label, count}] }` from the counters answer
 * (`{ total, importState, actionState, progress, marketplaces: [{ marketplace, label, total, … }] }`).
 */
export function countersFrom(body) {
  const count = (group, key) => Number(body?.[group]?.[key] ?? 0);
  const byState = {
    not_imported: count('importState', 'not_imported'),
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
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return { total: Number(body?.total ?? 0), byState, byMarketplace };
}

/** The overview row carried by a live event (or an order answer), or null when the event is about something else. */
export function liveOrderOf(event) {
  let data = event;
  if (event && typeof event.data === 'string') {
    try {
      data = JSON.parse(event.data);
    } catch {
      return null;
    }
  }
  const row = data?.overview ?? data?.order ?? data;
  if (!row || typeof row !== 'object' || !row.marketplace || !row.marketplaceOrderId) return null;
  return row;
}
