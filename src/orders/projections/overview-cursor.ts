import { InvalidOverviewQuery } from './invalid-overview-query.error.js';
import type { OverviewSort, SortDirection } from './overview-query.js';

/** Where a page ended: the sort value and stream of its last row (keyset), tied to the sort it was made for. */
export interface OverviewCursor {
  sort: OverviewSort;
  direction: SortDirection;
  value: string;
  stream: string;
}

const VERSION = 1;

/** Opaque to clients: base64url JSON, so its shape can change without their noticing. */
export function encodeCursor(cursor: OverviewCursor): string {
  const payload = [VERSION, cursor.sort, cursor.direction, cursor.value, cursor.stream];
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeCursor(encoded: string, sort: OverviewSort, direction: SortDirection): OverviewCursor {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidOverviewQuery('cursor', 'is not a cursor of this list');
  }
  if (
    !Array.isArray(payload) ||
    payload.length !== 5 ||
    payload[0] !== VERSION ||
    typeof payload[3] !== 'string' ||
    typeof payload[4] !== 'string'
  ) {
    throw new InvalidOverviewQuery('cursor', 'is not a cursor of this list');
  }
  if (payload[1] !== sort || payload[2] !== direction) {
    throw new InvalidOverviewQuery('cursor', 'was made for another sort order');
  }
  return { sort, direction, value: payload[3], stream: payload[4] };
}
