import type { SqlDatabase } from '../database/sql-database.port.js';
import { RenewedClaims } from '../database/renewed-claims.js';

/** A response as it went out, kept so a retried request gets it again byte for byte (a bus reply: status 0, no headers). */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type IdempotencyClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_progress' };

export interface IdempotencyStoreOptions {
  /** How long a key is remembered; 24 h by default. */
  readonly retentionMs?: number;
  /** A claim whose request never finished (crash) is taken over after this long; 60 s by default. */
  readonly abandonAfterMs?: number;
  /** How often a claim is renewed while its request runs; a third of `abandonAfterMs` by default. */
  readonly heartbeatMs?: number;
  readonly now?: () => number;
}

const TABLE = 'http_idempotency_keys';

interface Row {
  fingerprint: string;
  state: string;
  status: number | string | null;
  headers: string | null;
  body: string | null;
  created_at: number | string;
}

/**
 * The memory of the doors' retry keys (HTTP's `Idempotency-Key`, the bus's `commandId`), a small table in the
 * read-model database (SQLite or PostgreSQL; the SQL is valid on both; its name dates from when only HTTP used it). A
 * key is scoped to who sent it (an API key, `bus:<client>`), so two callers cannot collide or read each other's answers.
 * Claiming is one conditional INSERT, so two racing requests with the same key cannot both run the command. Keys are
 * remembered for a day, which covers any sane client retry; older rows are swept at most once a minute.
 *
 * A claim is taken over once it looks abandoned, which must mean its process died, not that its command is slow (an
 * import run lasts minutes): so the store renews the claims it holds while their requests run, and completes or
 * releases a claim only while it is still its own, so a request that lost its claim cannot erase its successor's.
 */
export class IdempotencyStore {
  private readonly retentionMs: number;
  private readonly abandonAfterMs: number;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private lastSweep = 0;
  private readonly claims: RenewedClaims<number>;

  constructor(
    private readonly db: SqlDatabase,
    options: IdempotencyStoreOptions = {},
  ) {
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.abandonAfterMs = options.abandonAfterMs ?? 60_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(this.abandonAfterMs / 3));
    this.now = options.now ?? Date.now;
    this.claims = new RenewedClaims(this.heartbeatMs);
  }

  async init(): Promise<void> {
    await this.db.execute(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (
        scope TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        state TEXT NOT NULL,
        status INTEGER,
        headers TEXT,
        body TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (scope, idempotency_key)
      )`,
    );
    await this.db.execute(`CREATE INDEX IF NOT EXISTS ${TABLE}_by_age ON ${TABLE} (created_at)`);
  }

  /** Claims the key for this request, or says why not: the stored answer, a different request, or one still running. */
  async claim(scope: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const now = this.now();
    await this.sweep(now);
    const inserted = await this.db.execute(
      `INSERT INTO ${TABLE} (scope, idempotency_key, fingerprint, state, created_at) VALUES ($1, $2, $3, 'pending', $4)
       ON CONFLICT (scope, idempotency_key) DO NOTHING`,
      [scope, key, fingerprint, now],
    );
    if (inserted === 1) return this.hold(scope, key, now);
    const [row] = await this.db.query<Row>(
      `SELECT fingerprint, state, status, headers, body, created_at FROM ${TABLE} WHERE scope = $1 AND idempotency_key = $2`,
      [scope, key],
    );
    // Swept between the INSERT and the SELECT: try once more from scratch.
    if (!row) return this.claim(scope, key, fingerprint);
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.state === 'done') {
      return {
        kind: 'replay',
        response: { status: Number(row.status), headers: JSON.parse(row.headers ?? '{}'), body: row.body ?? '' },
      };
    }
    const claimedAt = Number(row.created_at);
    if (now - claimedAt < this.abandonAfterMs) return { kind: 'in_progress' };
    // The request that claimed it never finished (the process died): this one takes over. The command id derives
    // from the key, so whatever the first attempt appended is not appended twice.
    const taken = await this.db.execute(
      `UPDATE ${TABLE} SET created_at = $1 WHERE scope = $2 AND idempotency_key = $3 AND state = 'pending' AND created_at = $4`,
      [now, scope, key, claimedAt],
    );
    return taken === 1 ? this.hold(scope, key, now) : { kind: 'in_progress' };
  }

  /** Keeps the answer for retries; nothing is written when the claim was taken over meanwhile (see the class). */
  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const claimedAt = await this.letGo(scope, key);
    const values = [response.status, JSON.stringify(response.headers), response.body, scope, key];
    await this.db.execute(
      `UPDATE ${TABLE} SET state = 'done', status = $1, headers = $2, body = $3 WHERE scope = $4 AND idempotency_key = $5` +
        (claimedAt === undefined ? '' : ` AND state = 'pending' AND created_at = $6`),
      claimedAt === undefined ? values : [...values, claimedAt],
    );
  }

  /** Forgets an unfinished claim (the request failed on our side), so a retry runs the command again. */
  async release(scope: string, key: string): Promise<void> {
    const claimedAt = await this.letGo(scope, key);
    await this.db.execute(
      `DELETE FROM ${TABLE} WHERE scope = $1 AND idempotency_key = $2 AND state = 'pending'` +
        (claimedAt === undefined ? '' : ' AND created_at = $3'),
      claimedAt === undefined ? [scope, key] : [scope, key, claimedAt],
    );
  }

  private hold(scope: string, key: string, claimedAt: number): IdempotencyClaim {
    this.claims.hold(leaseId(scope, key), claimedAt, async (held) => {
      const at = this.now();
      const renewed = await this.db.execute(
        `UPDATE ${TABLE} SET created_at = $1 WHERE scope = $2 AND idempotency_key = $3 AND state = 'pending' AND created_at = $4`,
        [at, scope, key, held],
      );
      return renewed === 1 ? at : null;
    });
    return { kind: 'claimed' };
  }

  private letGo(scope: string, key: string): Promise<number | undefined> {
    return this.claims.letGo(leaseId(scope, key));
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    await this.db.execute(`DELETE FROM ${TABLE} WHERE created_at < $1`, [now - this.retentionMs]);
  }
}

function leaseId(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}
