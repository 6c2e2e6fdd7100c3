/** PostgreSQL: connection exceptions, the server shutting down or refusing connections. */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether an error thrown by a handler's SQL is the database's and would not recur if the transaction ran again: a
 * deadlock or serialization failure (SQLSTATE class 40), a lost or refused connection, SQLite's busy timeout. The runner
 * retries those as infrastructure errors; counted as the handler's, they would mark a projection failed on an event
 * that has nothing wrong with it.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('40') || code.startsWith('08') || POSTGRES_UNAVAILABLE.has(code)) return true;
    if (NETWORK_CODES.has(code) || code.startsWith('SQLITE_BUSY')) return true;
  }
  return typeof message === 'string' && /^Connection terminated/.test(message);
}
