import type { GlobalPosition } from '../event-store.port.js';

/**
 * A rough event number for a global position, used only for progress bars and lag estimates: the trailing digit
 * group of the opaque position (SQLite `00000000000000000042` → 42; PostgreSQL `<txid>:<sequence>` → the sequence).
 * Sequences may have gaps (rolled-back transactions), so this is an estimate; null when the position carries no
 * trailing number.
 */
export function positionOrdinal(position: GlobalPosition | null): number | null {
  if (position === null) return 0;
  const match = /(\d+)$/.exec(position);
  if (!match) return null;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : null;
}

/** The later of two positions (null = before the first event). */
export function maxPosition(a: GlobalPosition | null, b: GlobalPosition | null): GlobalPosition | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
