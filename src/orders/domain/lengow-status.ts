/**
 * Lengow's normalised order statuses (lengow-api.md §6). Definitions may carry statuses this list does not know yet,
 * so the type stays open; the constants below are the ones rules depend on.
 */
export type LengowStatus =
  | 'new'
  | 'waiting_acceptance'
  | 'accepted'
  | 'waiting_shipment'
  | 'shipped'
  | 'closed'
  | 'refused'
  | 'canceled'
  | 'refunded'
  | 'refunding'
  | 'partial_refunded'
  | (string & {});

/**
 * Statuses that finish the order's open actions and send errors (the plugins' "process state 2", `refunding` included
 * since PS 4.0.2: the refund is under way at the marketplace, nothing the engine sends can change it).
 */
export const FINISHING_LENGOW_STATUSES: readonly LengowStatus[] = [
  'shipped',
  'closed',
  'refused',
  'canceled',
  'refunded',
  'refunding',
];

/** Lines in these states are not part of the order any more: dropped from cart, totals and item counts. */
export const DROPPED_LINE_STATUSES: readonly LengowStatus[] = ['canceled', 'refused'];

export function isFinishingStatus(status: LengowStatus | null): boolean {
  return status !== null && FINISHING_LENGOW_STATUSES.includes(status);
}

/**
 * The state is derived from the raw marketplace status through the definition's table, as the plugins do, not from
 * the order's `lengow_status` field. Matching is exact (marketplace statuses are case-sensitive strings); a status
 * listed under two Lengow statuses takes the first, as the plugins' first-match loop does.
 */
export function lengowStatusOf(
  statusTable: Readonly<Record<string, readonly string[]>> | null | undefined,
  marketplaceStatus: string | null,
): LengowStatus | null {
  if (!statusTable || marketplaceStatus === null) return null;
  const index = frozenTableIndex(statusTable);
  if (index) return index.get(marketplaceStatus) ?? null;
  return firstMatch(statusTable, marketplaceStatus);
}

function firstMatch(statusTable: Readonly<Record<string, readonly string[]>>, marketplaceStatus: string) {
  for (const [lengowStatus, marketplaceStatuses] of Object.entries(statusTable)) {
    if (Array.isArray(marketplaceStatuses) && marketplaceStatuses.includes(marketplaceStatus)) return lengowStatus;
  }
  return null;
}

/**
 * An import asks for the status of an order and of each of its lines several times over (the decision, the lookups it
 * needs, the validation), and walking the table took ≈ 0.4 µs each time. A frozen table cannot change, so its reverse
 * index is built once and kept as long as the table lives; a table that could still change is walked every time.
 */
const indexes = new WeakMap<object, ReadonlyMap<string, LengowStatus>>();

function frozenTableIndex(
  statusTable: Readonly<Record<string, readonly string[]>>,
): ReadonlyMap<string, LengowStatus> | null {
  const known = indexes.get(statusTable);
  if (known) return known;
  const lists = Object.values(statusTable);
  if (!Object.isFrozen(statusTable) || !lists.every((list) => !Array.isArray(list) || Object.isFrozen(list)))
    return null;
  const index = new Map<string, LengowStatus>();
  for (const [lengowStatus, marketplaceStatuses] of Object.entries(statusTable)) {
    if (!Array.isArray(marketplaceStatuses)) continue;
    for (const marketplaceStatus of marketplaceStatuses) {
      if (!index.has(marketplaceStatus)) index.set(marketplaceStatus, lengowStatus);
    }
  }
  indexes.set(statusTable, index);
  return index;
}
