import type { SqlDatabase } from '../../database/sql-database.port.js';

/**
 * The reactions' own tables in the read-model database. All are derived or bookkeeping data: dropping them loses no
 * history (the order streams and the shop stay the truth), at worst a poll redoes work its guards make harmless.
 */
const STATEMENTS = [
  // Action attempts not finished yet, kept in step with the order streams (FollowUpIndex): what the result poller asks
  // Lengow about, and transient send failures due for another try.
  `CREATE TABLE IF NOT EXISTS open_action_attempts (
     attempt_key TEXT PRIMARY KEY,
     stream TEXT NOT NULL,
     action_type TEXT NOT NULL,
     status TEXT NOT NULL,
     lengow_action_id TEXT,
     requested_at TEXT NOT NULL,
     sent_at TEXT,
     next_send_at TEXT,
     correlation_id TEXT)`,
  `CREATE INDEX IF NOT EXISTS open_action_attempts_by_stream ON open_action_attempts (stream)`,
  // Orders whose import failed transiently, with when the next attempt is due.
  `CREATE TABLE IF NOT EXISTS import_retries (
     stream TEXT PRIMARY KEY,
     marketplace TEXT NOT NULL,
     marketplace_order_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     next_attempt_at TEXT NOT NULL,
     correlation_id TEXT)`,
  // When each action attempt was first handed to Lengow: a later try of the same attempt then adopts what that one
  // may have created (the POST's answer can be lost), instead of posting a second action.
  `CREATE TABLE IF NOT EXISTS lengow_action_posts (attempt_key TEXT PRIMARY KEY, started_at TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS lengow_action_posts_by_age ON lengow_action_posts (started_at)`,
  // The shop change feed is not the event store: its own checkpoint, and the changes that could not be recorded.
  `CREATE TABLE IF NOT EXISTS shop_feed_checkpoints (name TEXT PRIMARY KEY, last_id BIGINT NOT NULL, updated_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS shop_feed_parked (
     change_id BIGINT PRIMARY KEY,
     shop_order_id BIGINT NOT NULL,
     marketplace TEXT NOT NULL,
     marketplace_order_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     reason TEXT NOT NULL,
     code TEXT,
     retryable INTEGER NOT NULL,
     attempts INTEGER NOT NULL,
     change_at TEXT NOT NULL,
     parked_at TEXT NOT NULL)`,
  // Shop changes whose Lengow action could not be requested yet (the marketplace definition or the carrier mapping
  // could not be read): what ActionRequestRetries asks again, and when.
  `CREATE TABLE IF NOT EXISTS deferred_action_requests (
     stream TEXT NOT NULL,
     action_type TEXT NOT NULL,
     change_id TEXT NOT NULL,
     command_id TEXT NOT NULL,
     correlation_id TEXT,
     causation_id TEXT,
     actor TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     reason TEXT NOT NULL,
     first_deferred_at TEXT NOT NULL,
     next_attempt_at TEXT NOT NULL,
     PRIMARY KEY (stream, action_type, change_id))`,
  `CREATE INDEX IF NOT EXISTS deferred_action_requests_due ON deferred_action_requests (next_attempt_at)`,
  // Idempotency keys of the merchant commands (ship, cancel, refund) the HTTP API forwards to the shop.
  `CREATE TABLE IF NOT EXISTS shop_command_keys (
     idempotency_key TEXT PRIMARY KEY,
     command TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     shop_order_id TEXT NOT NULL,
     status TEXT NOT NULL,
     before_state TEXT NOT NULL,
     result TEXT,
     started_at TEXT NOT NULL,
     finished_at TEXT)`,
  `CREATE INDEX IF NOT EXISTS shop_command_keys_by_age ON shop_command_keys (started_at)`,
];

const ready = new WeakMap<SqlDatabase, Promise<void>>();

/** Creates the tables once per database; concurrent callers share the work, a failure lets the next call retry. */
export function ensureReactionsSchema(db: SqlDatabase): Promise<void> {
  let done = ready.get(db);
  if (!done) {
    done = db
      .transaction(async (tx) => {
        // Concurrent CREATE TABLE IF NOT EXISTS can still collide on PostgreSQL's catalog.
        if (tx.dialect === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(hashtext('orders_reactions'))`);
        for (const statement of STATEMENTS) await tx.execute(statement);
      })
      .catch((error: unknown) => {
        ready.delete(db);
        throw error;
      });
    ready.set(db, done);
  }
  return done;
}
