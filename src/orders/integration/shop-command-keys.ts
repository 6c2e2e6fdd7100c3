import { createHash } from 'node:crypto';
import { RenewedClaims } from '../../database/renewed-claims.js';
import type { SqlDatabase } from '../../database/sql-database.port.js';
import { ensureReactionsSchema } from './reactions-schema.js';

/** The key was used before for another command or other content: a caller bug, refused rather than guessed at. */
export class ShopCommandKeyReused extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly transient = false;
  constructor(readonly key: string) {
    super(`idempotency key "${key}" was already used for a different request`);
    this.name = 'ShopCommandKeyReused';
  }
}

/** A request with this key is being carried out right now (an HTTP retry racing the first call): try again shortly. */
export class ShopCommandInProgress extends Error {
  readonly code = 'SHOP_COMMAND_IN_PROGRESS';
  readonly transient = true;
  constructor(readonly key: string) {
    super(`a request with idempotency key "${key}" is still in progress`);
    this.name = 'ShopCommandInProgress';
  }
}

const PRUNE_EVERY_MS = 60_000;

export type KeyClaim<Result> =
  /** Done before: the stored result. */
  | { readonly kind: 'done'; readonly result: Result }
  /** Ours to carry out. `before` is what the first try saw, when an earlier try ended without a known outcome. */
  | { readonly kind: 'claimed'; readonly before: unknown; readonly retryOfUnknown: boolean };

interface KeyRow {
  command: string;
  fingerprint: string;
  status: 'started' | 'done';
  before_state: string;
  result: string | null;
  started_at: string;
}

/** JSON with object keys sorted, so the same request always has the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * Idempotency keys of the merchant commands (`shop_command_keys`): the shop's ship/cancel/refund take no key, so an
 * HTTP retry of a partial refund would refund twice. A key is claimed before the shop call and closed with its result
 * after; a retry gets the stored result. A claim left open by a crash is taken over after `staleAfterMs`, handing the
 * caller what the first try saw (`before`) so it can tell whether the shop already did it.
 *
 * "Left open by a crash" must not mean "slow": a call waiting for the feed's lock or a slow shop would otherwise be
 * taken over by a retry in this or another engine process while it still runs, and a partial refund made twice. So
 * the claims held here are renewed every `heartbeatMs` until completed, released or abandoned (outcome unknown), and
 * closed only while still this process's: one taken over (this process frozen past `staleAfterMs`) is left alone.
 *
 * A key is kept `retentionMs` from its claim (or its last renewal), then deleted, at most once a minute when a key
 * is claimed: every command carries a key (a fresh one per request without `Idempotency-Key`), so the table would
 * otherwise grow with every ship, cancel and refund ever sent. The retention must outlast the HTTP API's memory of
 * the same key (a day), which the engine's configuration enforces.
 */
export class ShopCommandKeys {
  private readonly claims: RenewedClaims<string>;
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: () => Date,
    private readonly staleAfterMs = 30_000,
    heartbeatMs = Math.max(1, Math.floor(staleAfterMs / 3)),
    private readonly retentionMs = 30 * 86_400_000,
  ) {
    this.claims = new RenewedClaims(heartbeatMs);
  }

  async claim<Result>(
    key: string,
    command: string,
    request: unknown,
    shopOrderId: string,
    before: () => Promise<unknown>,
  ): Promise<KeyClaim<Result>> {
    await ensureReactionsSchema(this.db);
    await this.prune();
    const fingerprint = createHash('sha256').update(canonical({ command, request })).digest('hex');
    const existing = await this.row(key);
    if (!existing) {
      const seen = await before();
      const startedAt = this.clock().toISOString();
      const inserted = await this.db.execute(
        `INSERT INTO shop_command_keys (idempotency_key, command, fingerprint, shop_order_id, status, before_state,
           started_at) VALUES ($1, $2, $3, $4, 'started', $5, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
        [key, command, fingerprint, shopOrderId, JSON.stringify(seen ?? null), startedAt],
      );
      if (inserted === 1) return this.hold(key, startedAt, { kind: 'claimed', before: seen, retryOfUnknown: false });
      return this.claimExisting(key, fingerprint, (await this.row(key))!);
    }
    return this.claimExisting(key, fingerprint, existing);
  }

  async complete(key: string, result: unknown): Promise<void> {
    const startedAt = await this.letGo(key);
    const values = [JSON.stringify(result), this.clock().toISOString(), key];
    await this.db.execute(
      `UPDATE shop_command_keys SET status = 'done', result = $1, finished_at = $2 WHERE idempotency_key = $3` +
        (startedAt === undefined ? '' : ` AND status = 'started' AND started_at = $4`),
      startedAt === undefined ? values : [...values, startedAt],
    );
  }

  /** The shop refused: nothing happened, so the key is free again (a corrected request may use it). */
  async release(key: string): Promise<void> {
    const startedAt = await this.letGo(key);
    await this.db.execute(
      `DELETE FROM shop_command_keys WHERE idempotency_key = $1 AND status = 'started'` +
        (startedAt === undefined ? '' : ' AND started_at = $2'),
      startedAt === undefined ? [key] : [key, startedAt],
    );
  }

  /** The call ended without a known outcome: the claim stays open, unrenewed, for a retry to take over once stale. */
  async abandon(key: string): Promise<void> {
    await this.letGo(key);
  }

  private async prune(): Promise<void> {
    const now = this.clock().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.db.execute('DELETE FROM shop_command_keys WHERE started_at < $1', [
      new Date(now - this.retentionMs).toISOString(),
    ]);
  }

  private hold<Result>(key: string, startedAt: string, claim: KeyClaim<Result>): KeyClaim<Result> {
    this.claims.hold(key, startedAt, async (held) => {
      const at = this.clock().toISOString();
      const renewed = await this.db.execute(
        `UPDATE shop_command_keys SET started_at = $1 WHERE idempotency_key = $2 AND status = 'started' AND started_at = $3`,
        [at, key, held],
      );
      return renewed === 1 ? at : null;
    });
    return claim;
  }

  private letGo(key: string): Promise<string | undefined> {
    return this.claims.letGo(key);
  }

  private async claimExisting<Result>(key: string, fingerprint: string, row: KeyRow): Promise<KeyClaim<Result>> {
    if (row.fingerprint !== fingerprint) throw new ShopCommandKeyReused(key);
    if (row.status === 'done') return { kind: 'done', result: JSON.parse(row.result ?? 'null') as Result };
    const now = this.clock();
    if (Date.parse(row.started_at) > now.getTime() - this.staleAfterMs) throw new ShopCommandInProgress(key);
    const taken = await this.db.execute(
      `UPDATE shop_command_keys SET started_at = $1 WHERE idempotency_key = $2 AND status = 'started' AND started_at = $3`,
      [now.toISOString(), key, row.started_at],
    );
    if (taken !== 1) throw new ShopCommandInProgress(key);
    return this.hold(key, now.toISOString(), {
      kind: 'claimed',
      before: JSON.parse(row.before_state) as unknown,
      retryOfUnknown: true,
    });
  }

  private async row(key: string): Promise<KeyRow | undefined> {
    const [row] = await this.db.query<KeyRow>(
      'SELECT command, fingerprint, status, before_state, result, started_at FROM shop_command_keys WHERE idempotency_key = $1',
      [key],
    );
    return row;
  }
}
