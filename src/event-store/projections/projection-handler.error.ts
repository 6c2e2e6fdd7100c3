import type { RecordedEvent } from '../event-store.port.js';
import { describeError } from './describe-error.js';

/** A projection's `apply` threw; carries the event so the failure can be recorded with its position. */
export class ProjectionHandlerError extends Error {
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    override readonly cause: unknown,
  ) {
    super(
      `projection ${projection} failed on event ${event.id} (${event.type} in ${event.stream}@${event.revision}, ` +
        `position ${event.position}): ${describeError(cause)}`,
    );
    this.name = 'ProjectionHandlerError';
  }
}
