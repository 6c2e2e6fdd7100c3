import { NoRespondersError, RequestError, type NatsConnection } from '@nats-io/transport-node';
import type { SqlDatabase } from '../database/sql-database.port.js';
import { CheckpointedConsumer } from '../event-store/consumers/checkpointed-consumer.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../event-store/event-store.port.js';
import { abortableSleep } from '../event-store/eventstoredb/abortable-sleep.js';
import { describeError } from '../event-store/projections/describe-error.js';
import type { Logger } from '../logging/logger.js';
import { integrationEventMessage } from './integration-event-message.js';
import { ensureStream, JetStreamApiError, MESSAGE_TOO_LARGE, publishToStream } from './jetstream-api.js';
import type { NatsBusOptions } from './nats-bus-options.js';
import type { NatsConnectionManager } from './nats-connection-manager.js';

/** Order streams and the settings stream (`settings-order-parameters`): what other teams integrate with. */
export const INTEGRATION_STREAM_PREFIXES = ['order-', 'settings-'];

/** An event JetStream will never take (larger than a message may be); the consumer parks it after its retries. */
export class IntegrationEventRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrationEventRejected';
  }
}

export interface NatsEventPublisherOptions {
  store: EventStore;
  db: SqlDatabase;
  connections: NatsConnectionManager;
  subjectPrefix: string;
  events: NatsBusOptions['events'];
  logger: Logger;
}

/**
 * Publishes every order and settings event to JetStream on `<prefix>.evt.<EventType>`, in log order, at least once.
 * A checkpointed consumer feeds it; the checkpoint moves only after JetStream acknowledged the message, so a crash or
 * an outage means a republish — which JetStream drops by `Nats-Msg-Id` (the event id) within its duplicate window.
 *
 * While NATS or JetStream is unavailable the event is retried here with backoff, without limit: an outage must delay
 * events, not park them (a parked event would reach consumers out of order, or never). Only an event JetStream can
 * never accept is thrown to the consumer, which retries it a few times and parks it.
 */
export class NatsEventPublisher {
  readonly consumer: CheckpointedConsumer;
  private readonly stopping = new AbortController();
  private readonly subjects: string[];
  private streamReady = false;

  constructor(private readonly options: NatsEventPublisherOptions) {
    this.subjects = [`${options.subjectPrefix}.evt.>`];
    this.consumer = new CheckpointedConsumer({
      store: options.store,
      db: options.db,
      logger: options.logger,
      pollIntervalMs: options.events.pollIntervalMs,
      retry: options.events.retry,
      standbyCheckMs: options.events.standbyCheckMs,
      takeoverAfterMs: options.events.takeoverAfterMs,
      handler: {
        name: options.events.consumerName,
        filter: { streamPrefixes: INTEGRATION_STREAM_PREFIXES },
        handle: (event) => this.publish(event),
      },
    });
    // A new connection (first, or after the client gave up) may be to a server that lost the stream.
    options.connections.onConnection(() => {
      this.streamReady = false;
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  /** The event being published, if any, stays unacknowledged and is published again after the restart. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer.stop();
  }

  waitUntilIdle(position?: GlobalPosition | null, timeoutMs = 30_000): Promise<void> {
    return this.consumer.waitUntilCaughtUp(position, { timeoutMs });
  }

  private async publish(event: RecordedEvent): Promise<void> {
    const message = integrationEventMessage(this.options.subjectPrefix, event);
    const { events, logger } = this.options;
    for (let failures = 0; ;) {
      // Throws once stopping: the consumer then leaves the event for the next start.
      const connection = await this.options.connections.whenConnected(this.stopping.signal);
      const maxPayload = connection.info?.max_payload;
      if (maxPayload !== undefined && message.data.byteLength > maxPayload) {
        throw new IntegrationEventRejected(
          `event ${event.id} is ${message.data.byteLength} bytes; NATS accepts at most ${maxPayload}`,
        );
      }
      try {
        await this.ensureStream(connection);
        const ack = await publishToStream(
          connection,
          { ...message, stream: events.streamName },
          events.publishTimeoutMs,
        );
        if (failures > 0) logger.info({ eventId: event.id, failures }, 'integration events flowing again');
        logger.debug({ eventId: event.id, seq: ack.seq, duplicate: ack.duplicate ?? false }, 'integration event');
        return;
      } catch (error) {
        if (error instanceof JetStreamApiError && error.errCode === MESSAGE_TOO_LARGE) {
          throw new IntegrationEventRejected(error.message);
        }
        // No responders: JetStream is off, or the stream is gone (deleted, or a server that lost its storage).
        if (isNoResponders(error)) this.streamReady = false;
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          logger.warn(
            { eventId: event.id, failures, reason: describeError(error) },
            'integration event not acknowledged by JetStream; retrying',
          );
        }
        const delay = Math.min(events.backoff.maxDelayMs, events.backoff.initialDelayMs * 2 ** (failures - 1));
        await abortableSleep(delay / 2 + (Math.random() * delay) / 2, this.stopping.signal);
      }
    }
  }

  private async ensureStream(connection: NatsConnection): Promise<void> {
    if (this.streamReady) return;
    const { events, logger } = this.options;
    const { created, info } = await ensureStream(
      connection,
      {
        name: events.streamName,
        subjects: this.subjects,
        maxAgeMs: events.maxAgeMs,
        duplicateWindowMs: events.duplicateWindowMs,
      },
      events.publishTimeoutMs,
    );
    const subjects = info.config.subjects ?? [];
    if (created) {
      logger.info({ stream: events.streamName, subjects }, 'JetStream stream created for integration events');
    } else if (!this.subjects.every((subject) => subjects.includes(subject))) {
      // Left as the operator configured it; publishes will be refused until it captures the subjects.
      logger.error(
        { stream: events.streamName, subjects, expected: this.subjects },
        'JetStream stream does not capture the integration event subjects',
      );
    }
    this.streamReady = true;
  }
}

function isNoResponders(error: unknown): boolean {
  return (
    error instanceof NoRespondersError ||
    (error instanceof RequestError && error.isNoResponders()) ||
    (error instanceof JetStreamApiError && error.code === 503)
  );
}
