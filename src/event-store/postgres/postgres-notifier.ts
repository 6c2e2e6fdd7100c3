import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../logging/logger.js';
import { Doorbell } from '../subscription/doorbell.js';

/** close() waits this long at most for the NOTIFY announcing the last appends. */
const CLOSE_FLUSH_MS = 2000;
/** Longest pause between two checks that an announced transaction has become readable. */
const MAX_READABLE_PAUSE_MS = 250;

export interface PostgresNotifierOptions {
  /** Connection settings for the dedicated LISTEN connection (the pool's, minus pooling). */
  clientConfig: pg.ClientConfig;
  channel: string;
  logger: Logger;
  /** Send NOTIFY after appends so subscribers in other processes wake at once. */
  notifyOthers: boolean;
  /**
   * At most one NOTIFY per window: the first append of a quiet period starts the window, the NOTIFY goes at its end
   * and covers every append committed meanwhile (default 25 ms).
   */
  notifyWindowMs?: number;
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * Wakes subscriptions when events are appended: at once for appends made through this process, by LISTEN/NOTIFY for
 * appends of other processes. The notification only shortens the wait; subscriptions also poll, so a lost
 * notification or a dropped LISTEN connection delays events but never loses them.
 *
 * NOTIFY is sent after the append's commit, not inside its transaction: a NOTIFY in a transaction takes a
 * database-wide lock from pre-commit to the end of commit, which would serialise all appending transactions. Even on
 * its own, a NOTIFY is a transaction with an id of its own, so a commit and a WAL flush: sends are throttled to one per
 * short window (trailing, so the NOTIFY follows the commits of every append it covers; one in flight at a time) and a
 * burst of appends costs one NOTIFY per window instead of one per append. They go through a connection of their own.
 * Other processes hear of an append at most a window (plus a NOTIFY round trip) after its commit.
 *
 * The payload names the sender (to ignore our own) and the highest transaction id it announces. Readers only return
 * rows of transactions older than every one still running (see PostgresEventStore), so a subscriber woken while some
 * older transaction anywhere in the cluster is still open would read nothing and sleep until its next poll: the
 * listener rings once that transaction id is below the snapshot xmin, checking again with a short backoff until then.
 */
export class PostgresNotifier {
  readonly doorbell = new Doorbell();
  private readonly instance = randomUUID();
  private readonly windowMs: number;
  /** The pending trailing NOTIFY of the current window. */
  private window?: NodeJS.Timeout;
  /** The NOTIFY loop in flight, if any. */
  private sending?: Promise<void>;
  private sendAgain = false;
  /** Highest transaction id appended in the current window, as its 20-digit padded form (string order = order). */
  private windowXid = '';
  /** Highest transaction id announced by another process and not yet known to be readable. */
  private awaitedXid?: bigint;
  private awaiting = false;
  private listeners = 0;
  private listening?: Promise<void>;
  private stopListening?: () => void;
  private closed = false;
  private notifier?: pg.Client;

  constructor(private readonly options: PostgresNotifierOptions) {
    this.windowMs = Math.max(0, options.notifyWindowMs ?? 25);
  }

  /** keepAlive notices a silently dead peer; a bounded connect keeps close() from hanging on an unreachable host. */
  private clientConfig(): pg.ClientConfig {
    const config = this.options.clientConfig;
    return { ...config, keepAlive: true, connectionTimeoutMillis: config.connectionTimeoutMillis || 10_000 };
  }

  /** Call after a committed append, with the transaction id that stored it (decimal, up to 20 digits). */
  appended(transactionId?: string): void {
    this.doorbell.ring();
    if (!this.options.notifyOthers || this.closed) return;
    const padded = transactionId?.padStart(20, '0') ?? '';
    if (padded > this.windowXid) this.windowXid = padded;
    this.window ??= setTimeout(() => this.windowEnded(), this.windowMs);
  }

  private windowEnded(): void {
    this.window = undefined;
    if (this.closed) return;
    if (this.sending) this.sendAgain = true;
    else this.sending = this.send();
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
    // Appends of the last window are announced before the connection goes (within reason: a hung server only delays
    // other processes' subscribers until they poll).
    if (this.window && !this.closed) {
      clearTimeout(this.window);
      this.windowEnded();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.sending, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_FLUSH_MS)))]);
      clearTimeout(timer);
    }
    this.closed = true;
    clearTimeout(this.window);
    this.stopListening?.();
    await this.listening;
    const client = this.notifier;
    this.notifier = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Sends NOTIFYs until no window ended during the last one; `sending` holds it meanwhile. */
  private async send(): Promise<void> {
    try {
      do {
        this.sendAgain = false;
        const xid = this.windowXid.replace(/^0+(?=\d)/, '');
        this.windowXid = '';
        try {
          const client = await this.notifyClient();
          await client.query('SELECT pg_notify($1, $2)', [
            this.options.channel,
            xid ? `${this.instance} ${xid}` : this.instance,
          ]);
        } catch (error) {
          this.dropNotifyClient();
          this.options.logger.debug(
            { err: (error as Error).message },
            'event store NOTIFY failed; subscribers fall back to polling',
          );
        }
      } while (this.sendAgain && !this.closed);
    } finally {
      this.sending = undefined;
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

  private heard(payload: string | undefined): void {
    const [sender, xid] = (payload ?? '').split(' ');
    if (sender === this.instance) return;
    if (xid === undefined || !/^\d{1,20}$/.test(xid)) {
      this.doorbell.ring();
      return;
    }
    const announced = BigInt(xid);
    if (this.awaitedXid === undefined || announced > this.awaitedXid) this.awaitedXid = announced;
    if (!this.awaiting) void this.ringWhenReadable();
  }

  /**
   * Rings once the awaited transaction id is below the snapshot xmin (its rows can no longer be held back by an older
   * transaction), asking on the NOTIFY connection: the LISTEN one stays idle, and a failed check rings at once.
   */
  private async ringWhenReadable(): Promise<void> {
    this.awaiting = true;
    let pauseMs = 5;
    try {
      while (this.awaitedXid !== undefined && !this.closed && this.listeners > 0) {
        const awaited = this.awaitedXid;
        let readable = true;
        try {
          const client = await this.notifyClient();
          const { rows } = await client.query<{ readable: boolean }>(
            'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS readable',
            [awaited.toString()],
          );
          readable = rows[0]?.readable !== false;
        } catch {
          this.dropNotifyClient();
        }
        if (readable) {
          if (this.awaitedXid === awaited) this.awaitedXid = undefined;
          pauseMs = 5;
          this.doorbell.ring();
        } else {
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
          pauseMs = Math.min(pauseMs * 2, MAX_READABLE_PAUSE_MS);
        }
      }
    } finally {
      this.awaiting = false;
      this.awaitedXid = undefined;
    }
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
      client.on('notification', (message) => this.heard(message.payload));
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
