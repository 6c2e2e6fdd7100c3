import { ErrorType, isCommandError } from '@eventstore/db-client';
import type { ExpectedRevision } from '../event-store.port.js';
import { WrongExpectedRevision } from '../wrong-expected-revision.error.js';
import { fromEsdbCurrentRevision } from './esdb-revision.js';

function commandErrorType(error: unknown): ErrorType | undefined {
  return error instanceof Error && isCommandError(error) ? error.type : undefined;
}

/** The client's `WrongExpectedVersionError` becomes our `WrongExpectedRevision`; any other error passes through. */
export function mapEsdbAppendError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (error instanceof Error && isCommandError(error) && error.type === ErrorType.WRONG_EXPECTED_VERSION) {
    return new WrongExpectedRevision(stream, expected, fromEsdbCurrentRevision(error.actualVersion));
  }
  return error;
}

/** Reading a stream that does not exist (or was soft-deleted) fails while iterating with this error. */
export function isEsdbStreamNotFound(error: unknown): boolean {
  return commandErrorType(error) === ErrorType.STREAM_NOT_FOUND;
}

/**
 * Errors a subscription cannot recover from by resubscribing: the request itself is refused. Everything else — the
 * server restarting, a leader change, a cancelled or timed-out call, a network error, a slow consumer being dropped —
 * is worth another try, so the subscription retries those forever with backoff.
 */
const PERMANENT = new Set<ErrorType>([ErrorType.ACCESS_DENIED, ErrorType.INVALID_ARGUMENT, ErrorType.UNSUPPORTED]);

export function isPermanentEsdbError(error: unknown): boolean {
  const type = commandErrorType(error);
  return type !== undefined && PERMANENT.has(type);
}
