import type { EventFilter, RecordedEvent } from '../event-store.port.js';

/**
 * A reactor with side effects that cannot share the read-model transaction (issuing commands, publishing to NATS,
 * calling Lengow). Delivery is at least once: after a crash the event whose handler had not finished — and only that
 * one — is delivered again, so `handle` must be idempotent (deterministic ids for what it appends or publishes, a
 * look-up before a remote call without idempotency key).
 */
export interface ConsumerHandler {
  /** Unique among consumers of a database; the checkpoint row's key. */
  readonly name: string;
  /** Which events reach `handle` (same rules as a projection's filter); the checkpoint still moves past the rest. */
  readonly filter?: EventFilter;
  /** Awaited before the next event is delivered; a throw is retried with backoff, then the event is parked. */
  handle(event: RecordedEvent): Promise<void>;
}
