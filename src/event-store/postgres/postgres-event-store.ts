import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresDatabase } from '../../database/postgres-database.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  EventStoreHealth,
  EventToAppend,
  GlobalPosition,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
} from '../event-store.port.js';
import {
  checkCount,
  checkFilter,
  InvalidEventStoreInput,
  metadataOf,
  prepareAppends,
  resolveRetry,
  type PreparedAppend,
  type StoredEventRef,
} from '../event-ids.js';
import { catchUpSubscription } from '../subscription/catch-up-subscription.js';
import { WrongExpectedRevision } from '../wrong-expected-revision.error.js';
import { appendStatement, type AppendRow, type AppendStatement, type InsertedRow } from './append-statement.js';
import { EventStoreUnavailable } from './event-store-unavailable.error.js';
import { mapPostgresError } from './map-postgres-error.js';
import { appendFunction, migrations, WRONG_REVISION_SQLSTATE } from './postgres-event-store-schema.js';
import { PostgresNotifier } from './postgres-notifier.js';
import { formatPostgresPosition, parsePostgresPosition } from './postgres-position.js';

export interface PostgresEventStoreOptions {
  logger?: Logger;
  /** Live subscriptions re-read at least this often, whatever the notifications say. */
  pollIntervalMs?: number;
  /** NOTIFY other processes after appends (default true); this process's subscriptions are woken either way. */
  notifyOtherProcesses?: boolean;
  /** At most one NOTIFY per this many milliseconds, sent at the end of the window (default 25). */
  notifyWindowMs?: number;
  /** Attempts of an append that keeps colliding with concurrent writers (expected revision `any`). */
  maxAppendAttempts?: number;
  /** health() gives up after this long. */
  healthTimeoutMs?: number;
}

interface EventRow {
  position: string;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: unknown;
  recorded_at: string;
}

type AppendConflict =
  { kind: 'revision'; index: number; actual: number | 'no_stream' } | { kind: 'collision' } | { kind: 'unchecked' };

/**
 * Position and time are formatted by the server: cheaper than parsing an int8 and a timestamptz per row in JS on
 * replays. Milliseconds, like the other adapters' recordedAt.
 */
const POSITION = `lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 19, '0')`;
const COLUMNS =
  `${POSITION} AS position, event_id, stream, revision, type, data, metadata, ` +
  `to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;

/**
 * The rows readAll may return: those of transactions older than every transaction still running (see the class
 * comment). headPosition() goes by the same condition, so the head is never a row readAll does not return yet.
 */
const VISIBLE_TO_READERS = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/**
 * The event store on PostgreSQL (13+), in the schema of the given PostgresDatabase.
 *
 * Global order is (transaction_id, global_position), and readAll only returns rows of transactions older than every
 * transaction still running: a sequence value is taken at insert but visible at commit, so a reader going by the
 * sequence alone would skip a lower value committed late (see test/contract/postgres-lost-event-race.spec.ts).
 * Consequence: one long-running write transaction anywhere in the cluster holds subscribers back until it ends.
 *
 * An append is one statement, so one round trip: a plain multi-row INSERT when every append expects `no_stream` or a
 * revision number (the revisions are known in advance; the unique index and a guard enforce the expectation), else
 * plain SQL reading and checking the revision for one stream, or the es_append function for several.
 *
 * Retries: an append whose event ids are all stored already, in its stream and order, returns the original result
 * whatever its expected revision; if only some are stored, or they are stored elsewhere, it throws EventIdConflict
 * and stores nothing.
 */
export class PostgresEventStore implements EventStore {
  readonly adapter = 'postgres' as const;
  private readonly schema: string;
  private readonly logger: Logger;
  private readonly notifier: PostgresNotifier;
  private readonly closing = new AbortController();
  private readonly pollIntervalMs: number;
  private readonly maxAppendAttempts: number;
  private readonly healthTimeoutMs: number;
  private initialising?: Promise<void>;

  constructor(
    private readonly db: PostgresDatabase,
    options: PostgresEventStoreOptions = {},
  ) {
    this.schema = db.schema;
    this.logger = options.logger ?? silentLogger();
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 50;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 5000;
    const { max: _max, idleTimeoutMillis: _idle, ...clientConfig } = db.pool.options as pg.PoolConfig;
    this.notifier = new PostgresNotifier({
      clientConfig,
      channel: notificationChannel(this.schema),
      logger: this.logger,
      notifyOthers: options.notifyOtherProcesses ?? true,
      notifyWindowMs: options.notifyWindowMs,
    });
  }

  /**
   * Creates or migrates the schema. Idempotent, and safe when several processes boot at once: the work runs in one
   * transaction under an advisory lock. Every other method waits for it; a failed init is retried by the next call.
   */
  init(): Promise<void> {
    this.initialising ??= this.migrate().catch((error: unknown) => {
      this.initialising = undefined;
      throw mapPostgresError(error);
    });
    return this.initialising;
  }

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, events, expectedRevision: options.expectedRevision }]);
    return result;
  }

  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    const prepared = prepareAppends(appends);
    if (prepared.length === 0) return [];
    await this.init();
    const results = await this.appendPrepared(prepared);
    // Positions start with the 20-digit transaction id, so the greatest position holds the latest transaction.
    const latest = results.reduce((max, result) => (result.position > max ? result.position : max), '');
    this.notifier.appended(latest.slice(0, 20));
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (typeof stream !== 'string') throw new InvalidEventStoreInput('stream must be a string');
    const backwards = options.direction === 'backwards';
    if (options.direction !== undefined && options.direction !== 'forwards' && !backwards) {
      throw new InvalidEventStoreInput(`direction must be 'forwards' or 'backwards'`);
    }
    const from = checkCount('fromRevision', options.fromRevision) ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const limit = checkCount('maxCount', options.maxCount) ?? null;
    // Text containing NUL cannot match any stored name and PostgreSQL would reject it as a parameter.
    if (stream.includes('\u0000')) return [];
    await this.init();
    const text = backwards
      ? `SELECT ${COLUMNS} FROM ${this.schema}.es_events WHERE stream = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`
      : `SELECT ${COLUMNS} FROM ${this.schema}.es_events WHERE stream = $1 AND revision >= $2 ORDER BY revision LIMIT $3`;
    const rows = await this.query<EventRow>(`es_read_stream_${backwards ? 'b' : 'f'}_${this.schema}`, text, [
      stream,
      from,
      limit,
    ]);
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after =
      options.fromPosition == null
        ? { transactionId: '0', globalPosition: '0' }
        : parsePostgresPosition(options.fromPosition);
    const limit = checkCount('maxCount', options.maxCount) ?? null;
    const filter = checkFilter(options.filter);
    await this.init();
    const conditions = [VISIBLE_TO_READERS, '(transaction_id, global_position) > ($1::xid8, $2::bigint)'];
    const values: unknown[] = [after.transactionId, after.globalPosition, limit];
    if (filter?.streamPrefixes.length) {
      values.push(filter.streamPrefixes.map(likePrefix));
      conditions.push(`stream LIKE ANY($${values.length}::text[])`);
    }
    if (filter?.eventTypes.length) {
      values.push(filter.eventTypes);
      conditions.push(`type = ANY($${values.length}::text[])`);
    }
    const variant = `${filter?.streamPrefixes.length ? 'p' : ''}${filter?.eventTypes.length ? 't' : ''}`;
    const text =
      `SELECT ${COLUMNS} FROM ${this.schema}.es_events WHERE ${conditions.join(' AND ')} ` +
      // Qualified, so that no output column of the same name can ever take over the sort.
      'ORDER BY es_events.transaction_id, es_events.global_position LIMIT $3';
    const rows = await this.query<EventRow>(`es_read_all_${variant}_${this.schema}`, text, values);
    return rows.map(toRecordedEvent);
  }

  /**
   * The last row readAll would return now: readAll's own visibility condition and order, backwards, one index probe
   * (es_events_commit_order). A row committed by a transaction younger than one still running is not the head, even
   * though it is committed: readAll does not return it yet.
   */
  async headPosition(): Promise<GlobalPosition | null> {
    await this.init();
    const rows = await this.query<{ position: string }>(
      `es_head_position_${this.schema}`,
      `SELECT ${POSITION} AS position FROM ${this.schema}.es_events WHERE ${VISIBLE_TO_READERS} ` +
        'ORDER BY es_events.transaction_id DESC, es_events.global_position DESC LIMIT 1',
      [],
    );
    return rows[0]?.position ?? null;
  }

  subscribe(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    return catchUpSubscription(
      {
        read: (from: GlobalPosition | null, maxCount: number, filter: EventFilter | undefined) =>
          this.readAll({ fromPosition: from, maxCount, filter }),
        doorbell: this.notifier.doorbell,
        open: () => this.notifier.acquire(),
        close: () => this.notifier.release(),
      },
      { ...options, storeSignal: this.closing.signal, pollIntervalMs: this.pollIntervalMs, logger: this.logger },
    );
  }

  async health(): Promise<EventStoreHealth> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new EventStoreUnavailable(`no answer within ${this.healthTimeoutMs} ms`)),
          this.healthTimeoutMs,
        );
      });
      await Promise.race([this.db.pool.query('SELECT 1'), timeout]);
      return { ok: true, adapter: 'postgres', details: { schema: this.schema, latencyMs: Date.now() - started } };
    } catch (error) {
      const mapped = mapPostgresError(error) as Error;
      return { ok: false, adapter: 'postgres', details: { schema: this.schema, error: mapped.message } };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends live subscriptions and the LISTEN connection; the pool belongs to PostgresDatabase. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.notifier.close();
  }

  private async migrate(): Promise<void> {
    const client = await this.db.pool.connect();
    try {
      const [{ version }] = (
        await client.query<{ version: number }>(`SELECT current_setting('server_version_num')::int AS version`)
      ).rows;
      if (version < 130000)
        throw new Error(`the PostgreSQL event store needs PostgreSQL 13 or newer (xid8), found ${version}`);
      await client.query('BEGIN');
      // Serialises concurrent boots; CREATE ... IF NOT EXISTS alone still races on the catalog.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lengow-sync:event-store:${this.schema}`]);
      // Checked first: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the database.
      const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [this.schema]);
      if (!rowCount) await client.query(`CREATE SCHEMA ${this.schema}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.schema}.es_schema_migrations (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const applied = new Set(
        (await client.query<{ version: number }>(`SELECT version FROM ${this.schema}.es_schema_migrations`)).rows.map(
          (r) => r.version,
        ),
      );
      const steps = migrations(this.schema);
      for (let i = 0; i < steps.length; i++) {
        if (applied.has(i + 1)) continue;
        await client.query(steps[i]);
        await client.query(`INSERT INTO ${this.schema}.es_schema_migrations (version) VALUES ($1)`, [i + 1]);
      }
      await client.query(appendFunction(this.schema));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Appends, then sorts out conflicts: a failed call may be a retry of an append that already succeeded (the ids are
   * stored), a real wrong expected revision, or a collision with a concurrent writer (retried: the next attempt
   * either succeeds or sees the winner and reports the wrong revision). Appends recognised as retries get their
   * original result and are left out of the next attempt.
   */
  private async appendPrepared(prepared: PreparedAppend[]): Promise<AppendResult[]> {
    const results: AppendResult[] = new Array(prepared.length);
    let pending = prepared.map((_, i) => i);
    for (let attempt = 1; ; attempt++) {
      try {
        const appended = await this.callAppend(pending.map((i) => prepared[i]));
        appended.forEach((result, k) => (results[pending[k]] = result));
        return results;
      } catch (error) {
        const conflict = appendConflict(error);
        if (!conflict) throw mapPostgresError(error);
        const stored = await this.lookUpIds(pending.flatMap((i) => prepared[i].events.map((e) => e.id)));
        const remaining: number[] = [];
        for (const i of pending) {
          const original = resolveRetry(prepared[i], stored);
          if (original) results[i] = original;
          else remaining.push(i);
        }
        if (conflict.kind === 'revision') {
          const failed = pending[conflict.index - 1];
          if (remaining.includes(failed)) {
            throw new WrongExpectedRevision(
              prepared[failed].stream,
              prepared[failed].expectedRevision,
              conflict.actual,
            );
          }
        }
        if (conflict.kind === 'unchecked' && remaining.length > 0) {
          const mismatch = await this.firstMismatch(remaining.map((i) => prepared[i]));
          if (mismatch) {
            throw new WrongExpectedRevision(mismatch.append.stream, mismatch.append.expectedRevision, mismatch.actual);
          }
        }
        pending = remaining;
        if (pending.length === 0) return results;
        if (attempt >= this.maxAppendAttempts) {
          const append = prepared[pending[0]];
          throw new WrongExpectedRevision(
            append.stream,
            append.expectedRevision,
            await this.lastRevision(append.stream),
          );
        }
        // Colliding writers retry at slightly different moments instead of colliding again in lockstep.
        if (conflict.kind !== 'revision')
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * attempt));
      }
    }
  }

  /** One round trip; throws what appendConflict() recognises when a revision does not match or a row collides. */
  private async callAppend(appends: PreparedAppend[]): Promise<AppendResult[]> {
    const statement = appendStatement(this.schema, appends);
    if (statement.mode === 'direct') return this.callDirect(appends, statement);
    const { rows } = await this.db.pool.query<AppendRow>(statement);
    if (rows.length !== appends.length) {
      throw new Error(`append statement returned ${rows.length} results for ${appends.length} appends`);
    }
    return rows.map((row) => {
      if (row.r_revision === null || row.r_xid === null || row.r_position === null) {
        throw new RevisionMismatch(row.r_index, row.r_current ?? 'no_stream');
      }
      return { nextExpectedRevision: row.r_revision, position: formatPostgresPosition(row.r_xid, row.r_position) };
    });
  }

  /**
   * A direct INSERT either stored every event or none. None (a guard refused, a unique index or a deadlock stopped
   * it) throws DirectAppendRefused; each append's result is the row of its last event.
   */
  private async callDirect(appends: PreparedAppend[], statement: AppendStatement): Promise<AppendResult[]> {
    let rows: InsertedRow[];
    try {
      rows = (await this.db.pool.query<InsertedRow>(statement)).rows;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === '23505' || code === '40P01') throw new DirectAppendRefused({ cause: error });
      throw error;
    }
    if (rows.length === 0) throw new DirectAppendRefused();
    const lastOf = new Map<string, InsertedRow>();
    for (const row of rows) {
      const last = lastOf.get(row.r_stream);
      if (!last || row.r_revision > last.r_revision) lastOf.set(row.r_stream, row);
    }
    return appends.map((append) => {
      const row = lastOf.get(append.stream);
      if (!row) throw new Error(`append statement returned no row for stream ${append.stream}`);
      return { nextExpectedRevision: row.r_revision, position: formatPostgresPosition(row.r_xid, row.r_position) };
    });
  }

  /**
   * The first append, in order, whose expectation does not hold against the streams' current revisions, an earlier
   * append to the same stream in the batch counting as stored (what es_append reports); undefined if all hold.
   */
  private async firstMismatch(
    appends: PreparedAppend[],
  ): Promise<{ append: PreparedAppend; actual: number | 'no_stream' } | undefined> {
    const rows = await this.query<{ stream: string; revision: number | null }>(
      `es_last_revisions_${this.schema}`,
      `SELECT s.stream, (SELECT e.revision FROM ${this.schema}.es_events e WHERE e.stream = s.stream ` +
        'ORDER BY e.revision DESC LIMIT 1) AS revision FROM unnest($1::text[]) AS s(stream)',
      [[...new Set(appends.map((append) => append.stream))]],
    );
    const current = new Map<string, number | 'no_stream'>(rows.map((row) => [row.stream, row.revision ?? 'no_stream']));
    for (const append of appends) {
      const actual = current.get(append.stream) ?? 'no_stream';
      const expected = append.expectedRevision;
      const holds =
        expected === 'any' ||
        (expected === 'no_stream' && actual === 'no_stream') ||
        (expected === 'stream_exists' && actual !== 'no_stream') ||
        expected === actual;
      if (!holds) return { append, actual };
      current.set(append.stream, (actual === 'no_stream' ? -1 : actual) + append.events.length);
    }
    return undefined;
  }

  private async lookUpIds(ids: string[]): Promise<Map<string, StoredEventRef>> {
    const rows = await this.query<{
      event_id: string;
      stream: string;
      revision: number;
      tx: string;
      global_position: number;
    }>(
      `es_lookup_ids_${this.schema}`,
      `SELECT event_id, stream, revision, transaction_id::text AS tx, global_position FROM ${this.schema}.es_events WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.event_id,
        {
          id: row.event_id,
          stream: row.stream,
          revision: row.revision,
          position: formatPostgresPosition(row.tx, row.global_position),
        },
      ]),
    );
  }

  private async lastRevision(stream: string): Promise<number | 'no_stream'> {
    const rows = await this.query<{ revision: number }>(
      `es_last_revision_${this.schema}`,
      `SELECT revision FROM ${this.schema}.es_events WHERE stream = $1 ORDER BY revision DESC LIMIT 1`,
      [stream],
    );
    return rows[0]?.revision ?? 'no_stream';
  }

  private async query<Row extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<Row[]> {
    try {
      return (await this.db.pool.query<Row>({ name, text, values })).rows;
    } catch (error) {
      throw mapPostgresError(error);
    }
  }
}

/** The single-append statement inserted nothing because the stream is elsewhere; handled like es_append's ES409. */
class RevisionMismatch extends Error {
  constructor(
    readonly index: number,
    readonly actual: number | 'no_stream',
  ) {
    super('wrong expected revision');
  }
}

/** A direct INSERT stored nothing: an expectation may not hold, or a concurrent writer got in the way. */
class DirectAppendRefused extends Error {
  constructor(options?: ErrorOptions) {
    super('direct append refused', options);
  }
}

function appendConflict(error: unknown): AppendConflict | undefined {
  if (error instanceof DirectAppendRefused) return { kind: 'unchecked' };
  if (error instanceof RevisionMismatch) return { kind: 'revision', index: error.index, actual: error.actual };
  const e = error as { code?: unknown; detail?: unknown; constraint?: unknown };
  if (e?.code === WRONG_REVISION_SQLSTATE && typeof e.detail === 'string') {
    const [index, actual] = e.detail.split(':');
    return { kind: 'revision', index: Number(index), actual: actual === 'no_stream' ? 'no_stream' : Number(actual) };
  }
  // unique_violation (a concurrent writer took the revision, or the ids are stored) or deadlock_detected (two
  // multi-stream appends inserting into the same streams in opposite orders).
  if (e?.code === '23505' || e?.code === '40P01') return { kind: 'collision' };
  return undefined;
}

/** Channel names are identifiers (63 bytes at most); a long schema name is hashed instead of silently truncated. */
function notificationChannel(schema: string): string {
  const channel = `es_events_${schema}`;
  return channel.length <= 63 ? channel : `es_events_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

/** A LIKE pattern matching names that start with `prefix` literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: row.data,
    metadata: metadataOf(row.metadata),
    recordedAt: row.recorded_at,
  };
}
