/** The event store database cannot be reached or refused the connection; worth retrying later. */
export class EventStoreUnavailable extends Error {
  readonly code = 'EVENT_STORE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailable';
  }
}
