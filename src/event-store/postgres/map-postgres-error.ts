import { InvalidEventStoreInput } from '../event-ids.js';
import { EventStoreUnavailable } from './event-store-unavailable.error.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, in_recovery (read-only standby). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '25006']);

/**
 * Turns a pg error into a typed one. Messages keep the SQLSTATE and pg's primary message only: pg's DETAIL and CONTEXT
 * can quote the event data, which must not end up in logs.
 */
export function mapPostgresError(error: unknown): unknown {
  // Duck-typed: errors from Node's socket layer may come from another realm (e.g. a test VM), failing instanceof.
  if (typeof error !== 'object' || error === null) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)) {
      return new EventStoreUnavailable(`PostgreSQL event store unavailable (${code})`, { cause: error });
    }
    if (code.startsWith('22') || code.startsWith('54')) {
      return new InvalidEventStoreInput(`PostgreSQL refused the event store input (SQLSTATE ${code})`);
    }
  }
  if (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      message,
    )
  ) {
    return new EventStoreUnavailable(`PostgreSQL event store unavailable (${message})`, { cause: error });
  }
  return error;
}
