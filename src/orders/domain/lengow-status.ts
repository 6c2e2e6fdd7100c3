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

/** Statuses that finish the order's open actions and send errors (the plugins' "process state 2"). */
export const FINISHING_LENGOW_STATUSES: readonly LengowStatus[] = [
  'shipped',
  'closed',
  'refused',
  'canceled',
  'refunded',
];

/** Lines in these states are not part of the order any more: dropped from cart, totals and item counts. */
export const DROPPED_LINE_STATUSES: readonly LengowStatus[] = ['canceled', 'refused'];

export function isFinishingStatus(status: LengowStatus | null): boolean {
  return status !== null && FINISHING_LENGOW_STATUSES.includes(status);
}

/**
 * The state is derived from the raw marketplace status through the definition's table, as the plugins do, not from
 * the order's `lengow_status` field. Matching is exact (marketplace statuses are case-sensitive strings).
 */
export function lengowStatusOf(
  statusTable: Readonly<Record<string, readonly string[]>> | null | undefined,
  marketplaceStatus: string | null,
): LengowStatus | null {
  if (!statusTable || marketplaceStatus === null) return null;
  for (const [lengowStatus, marketplaceStatuses] of Object.entries(statusTable)) {
    if (Array.isArray(marketplaceStatuses) && marketplaceStatuses.includes(marketplaceStatus)) return lengowStatus;
  }
  return null;
}
