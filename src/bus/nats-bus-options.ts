import type { RetryPolicy } from '../event-store/projections/retry-policy.js';

/** How the NATS bus runs. Everything has a default; the engine only needs `APP_CONFIG.NATS_URL`. */
export interface NatsBusOptions {
  /**
   * First tokens of every subject: commands on `<prefix>.cmd.<name>`, events on `<prefix>.evt.<EventType>`. Tests give
   * each run its own prefix so reruns against one server never see each other's messages.
   */
  subjectPrefix: string;
  /** Queue group of the command subscription: several engine processes share the requests instead of all answering. */
  queueGroup: string;
  /** Connection name shown by the NATS server's monitoring pages. */
  connectionName: string;
  /** Bound of one connection attempt (the boot awaits the first one, then keeps trying in the background). */
  connectTimeoutMs: number;
  /** Pause between connection attempts while the server has never been reached (and after the client gave up). */
  reconnectDelayMs: number;
  /**
   * The claims of requests with a `commandId`: taken over by a retry once not renewed for `abandonAfterMs` (their
   * process died), renewed every `heartbeatMs` while the command runs. The store's defaults (60 s, 20 s) otherwise.
   */
  commandIds?: { abandonAfterMs?: number; heartbeatMs?: number };
  events: {
    /** Publish integration events at all (a process serving only commands turns this off). */
    enabled: boolean;
    /** Start the publisher at boot; tests start it by hand. */
    autoStart: boolean;
    /** Checkpoint row name of the publisher's consumer. */
    consumerName: string;
    /** JetStream stream holding `<prefix>.evt.>`; created when missing, left as it is when present. */
    streamName: string;
    /** Retention of the stream when this process creates it. */
    maxAgeMs: number;
    /**
     * JetStream drops a message whose `Nats-Msg-Id` it stored within this window. A republish after a crash or an
     * outage happens within it, so consumers get each event once; past it they de-duplicate by the event id.
     */
    duplicateWindowMs: number;
    /** How long to wait for JetStream's acknowledgement of one publish. */
    publishTimeoutMs: number;
    /** Backoff while NATS or JetStream cannot take the event (retried without limit: an outage parks nothing). */
    backoff: { initialDelayMs: number; maxDelayMs: number };
    /** Checkpointed consumer settings; `retry` only governs events JetStream refuses for good (too large). */
    pollIntervalMs?: number;
    retry?: Partial<RetryPolicy>;
    /** Another engine process on the database publishes instead of this one until it stalls; see ReactorsOptions. */
    standbyCheckMs?: number;
    takeoverAfterMs?: number;
  };
}

export type NatsBusOverrides = Partial<Omit<NatsBusOptions, 'events'>> & { events?: Partial<NatsBusOptions['events']> };

export const NATS_BUS_OPTIONS = Symbol('NATS_BUS_OPTIONS');

const DAY_MS = 24 * 60 * 60 * 1000;

export function natsBusOptions(overrides: NatsBusOverrides = {}): NatsBusOptions {
  const { events, ...rest } = overrides;
  const options: NatsBusOptions = {
    subjectPrefix: 'lengow.orders',
    queueGroup: 'lengow-sync',
    connectionName: 'lengow-sync',
    connectTimeoutMs: 5_000,
    reconnectDelayMs: 2_000,
    ...rest,
    events: {
      enabled: true,
      autoStart: true,
      consumerName: 'nats-publisher',
      streamName: 'LENGOW_ORDERS_EVENTS',
      maxAgeMs: 30 * DAY_MS,
      duplicateWindowMs: 60 * 60 * 1000,
      publishTimeoutMs: 5_000,
      backoff: { initialDelayMs: 250, maxDelayMs: 10_000 },
      ...events,
    },
  };
  // A prefix with wildcards or empty tokens would subscribe to, or publish on, subjects other than the engine's own.
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(options.subjectPrefix)) {
    throw new Error(`NATS subject prefix must be dot-separated tokens of [A-Za-z0-9_-], got ${options.subjectPrefix}`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(options.events.streamName)) {
    throw new Error(`JetStream stream name must be [A-Za-z0-9_-]+, got ${options.events.streamName}`);
  }
  if (options.events.duplicateWindowMs > options.events.maxAgeMs) {
    throw new Error('the JetStream duplicate window cannot exceed the stream retention');
  }
  // With a single attempt, a publish interrupted by shutdown would count as the event's last try and park it.
  if (options.events.retry?.maxAttempts !== undefined && options.events.retry.maxAttempts < 2) {
    throw new Error('the NATS publisher needs retry.maxAttempts of at least 2');
  }
  return options;
}
