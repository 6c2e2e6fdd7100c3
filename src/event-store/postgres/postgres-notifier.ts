import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../logging/logger.js';
import { Doorbell } from '../subscription/doorbell.js';

export interface PostgresNotifierOptions {
  /** Connection settings for the dedicated LISTEN connection (the pool's, minus pooling). */
  clientConfig: pg.ClientConfig;
  channel: string;
  logger: Logger;
  /** Send NOTIFY after appends so subscribers in other processes wake at once. */
  notifyOthers: boolean;
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * Wakes subscriptions when events are appended: at once for appends made through this process, by LISTEN/NOTIFY for
 * appends of other processes. The notification only shortens the wait; subscriptions also poll, so a lost
 * notification or a dropped LISTEN connection delays events but never loses them.
 *
 * NOTIFY is sent after the append's commit, not inside its transaction: a NOTIFY in a transaction takes a
 * database-wide lock from pre-commit to the end of commit, which would serialise all appending transactions. Sends are
 * coalesced (one in flight, one more queued), so a burst of appends costs a couple of NOTIFYs, and go through a
 * connection of their own.
 */
export class PostgresNotifier {
  readonly doorbell = new Doorbell();
  private readonly instance = randomUUID();
  private sending = false;
  private sendAgain = false;
  private listeners = 0;
  private listening?: Promise<void>;
  private stopListening?: () => void;
  private closed = false;
  private notifier?: pg.Client;

  constructor(private readonly options: PostgresNotifierOptions) {}

  /** keepAlive notices a silently dead peer; a bounded connect keeps close() from hanging on an unreachable host. */
  private clientConfig(): pg.ClientConfig {
    const config = this.options.clientConfig;
    return { ...config, keepAlive: true, connectionTimeoutMillis: config.connectionTimeoutMillis || 10_000 };
  }

  /** Call after a committed append. */
  appended(): void {
    this.doorbell.ring();
    if (!this.options.notifyOthers || this.closed) return;
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    void this.send();
  }

  /** A subscription starts: keep a LISTEN connection while at least one runs. */
  acquire(): void {
    this.listeners++;
    // A loop still winding down from the previous release picks the new listener up itself.
    if (this.listeners === 1 && !this.closed && !this.listening) this.listening = this.listen();
  }

  release(): void {
    this.listeners = Math.max(0, this.listeners - 1);
    if (this.listeners === 0) this.stopListening?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopListening?.();
    await this.listening;
    const client = this.notifier;
    this.notifier = undefined;
    await client?.end().catch(() => undefined);
  }

  private async send(): Promise<void> {
    this.sending = true;
    try {
      do {
        this.sendAgain = false;
        try {
          const client = await this.notifyClient();
          await client.query('SELECT pg_notify($1, $2)', [this.options.channel, this.instance]);
        } catch (error) {
          this.dropNotifyClient();
          this.options.logger.debug(
            { err: (error as Error).message },
            'event store NOTIFY failed; subscribers fall back to polling',
          );
        }
      } while (this.sendAgain && !this.closed);
    } finally {
      this.sending = false;
    }
  }

  /** A connection of its own, so notifications never wait for (or take) a pool slot that an append needs. */
  private async notifyClient(): Promise<pg.Client> {
    if (this.notifier) return this.notifier;
    const client = new pg.Client(this.clientConfig());
    client.on('error', () => {
      if (this.notifier === client) this.dropNotifyClient();
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('notifier closed');
    }
    this.notifier = client;
    return client;
  }

  private dropNotifyClient(): void {
    const client = this.notifier;
    this.notifier = undefined;
    void client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const backoff = this.options.backoff ?? { initialMs: 100, maxMs: 5000 };
    let failures = 0;
    while (this.listeners > 0 && !this.closed) {
      const client = new pg.Client(this.clientConfig());
      let connected = false;
      // Resolves when the connection is lost or listening should stop.
      const ended = new Promise<void>((resolve) => {
        this.stopListening = resolve;
        client.on('error', (error) => {
          this.options.logger.warn({ err: error.message }, 'event store LISTEN connection lost; reconnecting');
          resolve();
        });
        client.on('end', resolve);
      });
      client.on('notification', (message) => {
        if (message.payload !== this.instance) this.doorbell.ring();
      });
      try {
        await client.connect();
        await client.query(`LISTEN "${this.options.channel}"`);
        connected = true;
        failures = 0;
        // Appends made while we were not listening went unnoticed: let subscriptions look.
        this.doorbell.ring();
        await ended;
      } catch (error) {
        this.options.logger.warn({ err: (error as Error).message }, 'event store LISTEN failed; retrying');
      } finally {
        await client.end().catch(() => undefined);
      }
      if (!connected) failures++;
      if (this.listeners > 0 && !this.closed) {
        const pause = connected
          ? backoff.initialMs
          : Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures, 20));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pause);
          this.stopListening = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    this.listening = undefined;
  }
}
