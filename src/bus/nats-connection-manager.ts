import { connect, type NatsConnection } from '@nats-io/transport-node';
import { abortableSleep } from '../event-store/eventstoredb/abortable-sleep.js';
import { describeError } from '../event-store/projections/describe-error.js';
import type { Logger } from '../logging/logger.js';
import type { NatsServerUrl } from './nats-server-url.js';

export interface NatsConnectionManagerOptions {
  server: NatsServerUrl;
  name: string;
  connectTimeoutMs: number;
  reconnectDelayMs: number;
  logger: Logger;
}

type ConnectionListener = (connection: NatsConnection) => void | Promise<void>;

/**
 * One NATS connection for the bus, kept alive. The boot waits for the first attempt only: when NATS is down the engine
 * still starts (orders keep importing, events wait in the store) and this keeps trying in the background. Once
 * connected the client reconnects by itself without limit and restores its subscriptions; should it close anyway
 * (an authorization failure makes it give up), a new connection is made and the listeners are told again.
 */
export class NatsConnectionManager {
  private connection: NatsConnection | null = null;
  private connected = false;
  private readonly listeners: ConnectionListener[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly stopping = new AbortController();
  private loop?: Promise<void>;

  constructor(private readonly options: NatsConnectionManagerOptions) {}

  /** Called with every new connection (not on the client's own reconnects, which keep subscriptions). */
  onConnection(listener: ConnectionListener): void {
    this.listeners.push(listener);
  }

  /** Tries once, then returns; failures are retried in the background until `close()`. */
  async start(): Promise<void> {
    if (this.loop) throw new Error('NATS connection manager already started');
    let first!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (first = resolve));
    this.loop = this.run(first);
    await firstAttempt;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** The connection once it is up (not while it is reconnecting); rejects when `signal` aborts or on `close()`. */
  async whenConnected(signal?: AbortSignal): Promise<NatsConnection> {
    for (;;) {
      if (signal?.aborted || this.stopping.signal.aborted) throw new Error('NATS bus stopped');
      if (this.connected && this.connection) return this.connection;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Drains: subscriptions stop, pending messages are handled and outgoing ones flushed, then the socket closes. */
  async close(): Promise<void> {
    this.stopping.abort();
    this.notify();
    const connection = this.connection;
    this.connected = false;
    if (connection && !connection.isClosed()) {
      await connection.drain().catch(async (error: unknown) => {
        this.options.logger.warn({ err: error }, 'NATS drain failed; closing the connection');
        await connection.close().catch(() => undefined);
      });
    }
    // The loop ends once the connection is closed (or its attempt in flight times out).
    await this.loop;
    this.connection = null;
  }

  private async run(firstAttemptDone: () => void): Promise<void> {
    const { logger, server } = this.options;
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      let connection: NatsConnection;
      try {
        connection = await connect({
          servers: server.servers,
          user: server.user,
          pass: server.pass,
          token: server.token,
          name: this.options.name,
          timeout: this.options.connectTimeoutMs,
          maxReconnectAttempts: -1,
          reconnectTimeWait: this.options.reconnectDelayMs,
        });
      } catch (error) {
        failures++;
        // One line at the first failure, then one a minute or so: an outage must not flood the log.
        if (failures === 1 || failures % 30 === 0) {
          logger.warn(
            { servers: server.display, attempts: failures, reason: describeError(error) },
            'NATS unreachable or refused the connection; the bus is down and retries in the background',
          );
        }
        firstAttemptDone();
        await abortableSleep(this.options.reconnectDelayMs, this.stopping.signal);
        continue;
      }
      if (this.stopping.signal.aborted) {
        await connection.close().catch(() => undefined);
        break;
      }
      failures = 0;
      this.connection = connection;
      this.connected = true;
      logger.info({ servers: server.display, server: connection.getServer() }, 'NATS connected');
      const statuses = this.watch(connection);
      for (const listener of this.listeners) {
        try {
          await listener(connection);
        } catch (error) {
          logger.error({ err: error }, 'NATS connection listener failed');
        }
      }
      this.notify();
      firstAttemptDone();
      const closed = await connection.closed();
      await statuses;
      this.connected = false;
      if (this.stopping.signal.aborted) break;
      this.connection = null;
      logger.error({ reason: closed ? describeError(closed) : 'closed' }, 'NATS connection closed; reconnecting');
      await abortableSleep(this.options.reconnectDelayMs, this.stopping.signal);
    }
    firstAttemptDone();
  }

  private async watch(connection: NatsConnection): Promise<void> {
    const { logger } = this.options;
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        logger.warn({ server: status.server }, 'NATS disconnected; reconnecting');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        logger.info({ server: status.server }, 'NATS reconnected');
        this.notify();
      } else if (status.type === 'error') {
        logger.warn({ reason: describeError(status.error) }, 'NATS error');
      }
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
