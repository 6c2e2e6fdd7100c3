import type { RecordedEvent } from '../event-store.port.js';
import { describeError } from './describe-error.js';
import { ProjectionHandlerError } from './projection-handler.error.js';

/**
 * A projection's `applyBatch` threw: some event of the batch is to blame, but not which one. The runner does not
 * count it as an attempt: it re-applies the same events one by one (`apply`), which either succeeds or fails with a
 * ProjectionHandlerError naming the poison event. It is a ProjectionHandlerError (its `event` is the first of the
 * batch) so that every path that tells handler errors from infrastructure errors keeps doing so.
 */
export class ProjectionBatchError extends ProjectionHandlerError {
  constructor(
    projection: string,
    readonly events: readonly RecordedEvent[],
    cause: unknown,
  ) {
    super(projection, events[0]!, cause);
    const first = events[0]!;
    const last = events[events.length - 1]!;
    this.message =
      `projection ${projection} failed on a batch of ${events.length} events ` +
      `(positions ${first.position} to ${last.position}): ${describeError(cause)}`;
    this.name = 'ProjectionBatchError';
  }
}
