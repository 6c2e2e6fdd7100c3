import { StaleOrderRevision } from './stale-order-revision.error.js';

/** The caller's If-Match rule: with a revision named, the order stream must be at exactly that one. */
export function requireOrderRevision(stream: string, expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) throw new StaleOrderRevision(stream, expected, current);
}
