import { InvalidEventStoreInput } from '../event-ids.js';

/**
 * A PostgreSQL position is the pair (transaction id, global position): rows become visible in transaction order, and a
 * lower transaction id can own a higher sequence value, so the sequence alone is not a safe checkpoint. Each part is
 * left-padded (xid8 < 2^64: 20 digits; bigserial < 2^63: 19 digits) so that string order equals pair order.
 */
const POSITION = /^(\d{20}):(\d{19})$/;

export function formatPostgresPosition(transactionId: string, globalPosition: number | string): string {
  return `${transactionId.padStart(20, '0')}:${String(globalPosition).padStart(19, '0')}`;
}

/** The pair as decimal strings without padding, ready to bind as `$n::xid8` and `$n::bigint`. */
export function parsePostgresPosition(position: string): { transactionId: string; globalPosition: string } {
  const match = typeof position === 'string' ? POSITION.exec(position) : null;
  if (!match)
    throw new InvalidEventStoreInput('not a position of the PostgreSQL event store (<20 digits>:<19 digits> expected)');
  return { transactionId: BigInt(match[1]).toString(), globalPosition: BigInt(match[2]).toString() };
}
