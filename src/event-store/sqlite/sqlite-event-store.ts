import { deepFreeze } from '../../common/deep-freeze.js';
import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../../database/sqlite-database.js';
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
  type PreparedEvent,
  type StoredEventRef,
} from '../event-ids.js';
import { survivesJsonRoundTrip } from '../json-round-trip.js';
import { catchUpSubscription } from '../subscription/catch-up-subscription.js';
import { Doorbell } from '../subscription/doorbell.js';
import { WrongExpectedRevision } from '../wrong-expected-revision.error.js';
import { CommittedTail, type CheckedFilter } from './committed-tail.js';
import type { SqliteEventRow } from './sqlite-event-row.js';
import { StreamHeads } from './stream-heads.js';
import { formatSqlitePosition, parseSqlitePosition } from './sqlite-position.js';
import { SQLITE_EVENT_STORE_SCHEMA } from './sqlite-event-store-schema.js';

export interface SqliteEventStoreOptions {
  logger?: Logger;
  /**
   * Live subscriptions re-read at least this often. Appends through this store wake them at once; the poll only
   * matters for appends made by another process on the same file.
   */
  pollIntervalMs?: number;
  /**
   * Whether events read near the head are decoded once and shared, frozen, by every reader (default). A store with a
   * single reader (the read models' worker) turns it off: with nobody to share with, keeping them only costs.
   */
  shareDecodedEvents?: boolean;
}

/** Signals, inside the write transaction, that the append must be redone with its event ids looked up first. */
class RetryWithIdLookup extends Error {}

/** As many as the committed tail holds: a consumer lagging that far still finds its events decoded. */
const DECODED_EVENTS_KEPT = 2000;

/**
 * A read from SQLite longer than this is a catch-up or a replay: its events are decoded for that reader alone, not
 * kept. Keeping them (and freezing them, as shared events must be) halved a lone replay's speed, and it would push the
 * head's events, which every consumer is about to read, out of the cache.
 */
const LONG_READ_ROWS = 256;

/**
 * Enough for the consumers following the head to be a few batches behind the writers and still read from memory: a
 * paced import keeps its reactions within two pages of its decisions (≈ 600–700 events). Every event kept here
 * outlives a young-generation collection and is promoted, so more than that buys old-space garbage, not hits.
 */
const COMMITTED_TAIL_LIMITS = { events: 2000, chars: 16 * 2 ** 20 };

/** As many streams as the order stream reader keeps folded; a command's stream has a handful of events. */
const STREAM_HEADS_LIMITS = { streams: 1000, eventsPerStream: 8 };

/**
 * What the stores on one connection know of the events it committed. Shared by every store on the connection (tests
 * open two on one), so none of them misses an append made through another: the data_version check that guards the
 * stream heads sees only other connections' commits.
 */
interface ConnectionMemory {
  readonly tail: CommittedTail;
  readonly heads: StreamHeads;
  /** SQLite's data_version when the heads were last known to be complete; null before the first check. */
  dataVersion: number | null;
}

const memories = new WeakMap<SqliteDatabase, ConnectionMemory>();

function memoryOf(db: SqliteDatabase): ConnectionMemory {
  let memory = memories.get(db);
  if (!memory) {
    memory = {
      tail: new CommittedTail(COMMITTED_TAIL_LIMITS),
      heads: new StreamHeads(STREAM_HEADS_LIMITS),
      dataVersion: null,
    };
    memories.set(db, memory);
  }
  return memory;
}

const COLUMNS = 'position, event_id, stream, revision, type, data, metadata, recorded_at';

/**
 * The event store on the shared SQLite connection. SQLite has one writer at a time, so rowids are handed out and
 * committed in the same order: the rowid is the global position and a reader checkpointing on it cannot miss a row
 * that commits later with a lower one. Events are never deleted, so rowids are never reused.
 *
 * Every statement runs inside `db.exclusive()`, so nothing of the read models or the shop can land inside an append's
 * transaction (or the reverse).
 *
 * Retries: an append whose event ids are all stored already, in its stream and order, returns the original result
 * whatever its expected revision; if only some are stored, or they are stored elsewhere, it throws EventIdConflict
 * and stores nothing.
 */
export class SqliteEventStore implements EventStore {
  readonly adapter = 'sqlite' as const;
  private readonly ready: Promise<void>;
  private readonly doorbell = new Doorbell();
  private readonly closing = new AbortController();
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private statements?: Statements;
  private readonly filteredReads = new Map<string, Database.Statement>();
  private readonly decoded: DecodedEvents;
  private readonly memory: ConnectionMemory;

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteEventStoreOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger();
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.decoded = new DecodedEvents(options.shareDecodedEvents === false ? 0 : DECODED_EVENTS_KEPT);
    this.memory = memoryOf(db);
    this.ready = db.exclusive(() => {
      db.db.exec(SQLITE_EVENT_STORE_SCHEMA);
      this.statements = prepareStatements(db.db);
      // From here on, whatever another connection commits moves data_version and empties the stream heads.
      this.memory.dataVersion ??= this.statements.dataVersion.get() as number;
    });
    // Surfaced by the first call that awaits `ready`; never an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Creates the tables if needed (idempotent); every method also waits for it. */
  init(): Promise<void> {
    return this.ready;
  }

  async append(stream: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, events, expectedRevision: options.expectedRevision }]);
    return result;
  }

  /**
   * Joins the database's group commit: appends, shop writes, read-model writes and checkpoints waiting for the
   * connection share one transaction (one fsync), each append in its own savepoint, acknowledged only after COMMIT.
   */
  async appendMany(appends: StreamAppend[]): Promise<AppendResult[]> {
    const prepared = prepareAppends(appends);
    if (prepared.length === 0) return [];
    await this.ready;
    const { results, rows, inserted } = await this.db.transaction(async () => this.writeOne(prepared));
    // Committed now (the group's COMMIT resolved it): readers may be served these rows from memory.
    this.memory.tail.add(rows);
    this.memory.heads.add(rows);
    this.decoded.adopt(rows, inserted);
    this.doorbell.ring();
    return results;
  }

  /** One append call, atomically (a savepoint inside the group's transaction). */
  private writeOne(prepared: PreparedAppend[]): Written {
    const { writeFast, writeChecked } = this.stmts();
    try {
      return writeFast.immediate(prepared);
    } catch (error) {
      // The cheap path does not look ids up: a unique violation or a revision mismatch may just be a retry of an
      // append that already succeeded, which the checked path recognises. Both paths roll back entirely on error.
      if (error instanceof RetryWithIdLookup || isUniqueViolation(error)) return writeChecked.immediate(prepared);
      throw error;
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (typeof stream !== 'string') throw new InvalidEventStoreInput('stream must be a string');
    const backwards = options.direction === 'backwards';
    if (options.direction !== undefined && options.direction !== 'forwards' && !backwards) {
      throw new InvalidEventStoreInput(`direction must be 'forwards' or 'backwards'`);
    }
    const from = checkCount('fromRevision', options.fromRevision) ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const limit = checkCount('maxCount', options.maxCount) ?? -1;
    await this.ready;
    // A command reading its stream's newest events: known without a query when this connection wrote them last.
    const known = backwards || limit === 0 ? null : this.fromHeads(stream, from, limit);
    if (known) return this.decoded.decode(known);
    const rows = await this.db.exclusive(() => {
      const { readForwards, readBackwards } = this.stmts();
      return (backwards ? readBackwards : readForwards).all(stream, from, limit) as SqliteEventRow[];
    });
    return this.decoded.decode(rows);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.fromPosition == null ? 0n : parseSqlitePosition(options.fromPosition);
    const limit = checkCount('maxCount', options.maxCount) ?? -1;
    const filter = checkFilter(options.filter);
    await this.ready;
    // Events this process committed last come from memory; only what lies beyond them is asked of SQLite (most reads
    // of a consumer following the head: nothing, a cheap empty query).
    const recent = limit === 0 ? null : this.memory.tail.after(Number(after), limit, filter);
    if (!recent) return this.decodeSelected(await this.selectAfter(after, limit, filter));
    const remaining = limit < 0 ? -1 : limit - recent.rows.length;
    const rest = remaining === 0 ? [] : await this.selectAfter(BigInt(recent.through), remaining, filter);
    const head = this.decoded.decode(recent.rows);
    return rest.length === 0 ? head : head.concat(this.decodeSelected(rest));
  }

  private decodeSelected(rows: SqliteEventRow[]): RecordedEvent[] {
    return rows.length > LONG_READ_ROWS ? toRecordedEvents(rows) : this.decoded.decode(rows);
  }

  private selectAfter(after: bigint, limit: number, filter: CheckedFilter | undefined): Promise<SqliteEventRow[]> {
    return this.db.exclusive(() => {
      if (!filter) return this.stmts().readAll.all(after, limit) as SqliteEventRow[];
      const statement = this.filteredRead(filter.streamPrefixes.length, filter.eventTypes.length);
      const prefixArgs = filter.streamPrefixes.flatMap((prefix) => [prefix, prefix]);
      return statement.all(after, ...prefixArgs, ...filter.eventTypes, limit) as SqliteEventRow[];
    });
  }

  /**
   * The greatest rowid: readAll serves every committed row, and the connection is never inside another caller's open
   * transaction while this runs (`exclusive`), so nothing uncommitted can be seen.
   */
  async headPosition(): Promise<GlobalPosition | null> {
    await this.ready;
    return this.lastPosition();
  }

  subscribe(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    return catchUpSubscription(
      {
        read: (from: GlobalPosition | null, maxCount: number, filter: EventFilter | undefined) =>
          this.readAll({ fromPosition: from, maxCount, filter }),
        doorbell: this.doorbell,
      },
      { ...options, storeSignal: this.closing.signal, pollIntervalMs: this.pollIntervalMs, logger: this.logger },
    );
  }

  async health(): Promise<EventStoreHealth> {
    try {
      await this.ready;
      // Not headPosition(): the instrumented store would time it as a call of its own.
      const lastPosition = await this.lastPosition();
      return { ok: true, adapter: 'sqlite', details: { file: this.db.db.name, lastPosition } };
    } catch (error) {
      return { ok: false, adapter: 'sqlite', details: { error: (error as Error).message } };
    }
  }

  private async lastPosition(): Promise<GlobalPosition | null> {
    const last = await this.db.exclusive(() => this.stmts().lastPosition.get() as number | null);
    return last === null ? null : formatSqlitePosition(last);
  }

  /** Ends live subscriptions. The connection belongs to SqliteDatabase, which its owner closes. */
  async close(): Promise<void> {
    this.closing.abort();
  }

  /**
   * The stream's events from `fromRevision` as the stream heads know them, trusted only if no other connection has
   * committed since they were last checked (then they are all forgotten). `data_version` is read only when there is
   * an answer to trust: a stream this connection never wrote (a new order) goes straight to SQLite.
   */
  private fromHeads(stream: string, fromRevision: number, limit: number): SqliteEventRow[] | null {
    const known = this.memory.heads.forwards(stream, fromRevision, limit);
    if (!known) return null;
    const version = this.stmts().dataVersion.get() as number;
    if (this.memory.dataVersion === version) return known;
    this.memory.heads.clear();
    this.memory.dataVersion = version;
    return null;
  }

  private stmts(): Statements {
    if (!this.statements) throw new Error('SqliteEventStore used before its schema was created');
    return this.statements;
  }

  private filteredRead(prefixes: number, types: number): Database.Statement {
    const key = `${prefixes}:${types}`;
    let statement = this.filteredReads.get(key);
    if (!statement) {
      const conditions: string[] = [];
      if (prefixes > 0) conditions.push(`(${Array(prefixes).fill('substr(stream, 1, length(?)) = ?').join(' OR ')})`);
      if (types > 0) conditions.push(`type IN (${Array(types).fill('?').join(', ')})`);
      statement = this.db.db
        .prepare(
          `SELECT ${COLUMNS} FROM es_events WHERE position > ? AND ${conditions.join(' AND ')} ORDER BY position LIMIT ?`,
        )
        .raw();
      this.filteredReads.set(key, statement);
    }
    return statement;
  }
}

/** What one append call stored: its results, and the rows it inserted (none for a retry of a stored append). */
interface Written {
  results: AppendResult[];
  rows: SqliteEventRow[];
  /** The event behind each inserted row, in the same order. */
  inserted: PreparedEvent[];
}

interface Statements {
  writeFast: Database.Transaction<(appends: PreparedAppend[]) => Written>;
  writeChecked: Database.Transaction<(appends: PreparedAppend[]) => Written>;
  readForwards: Database.Statement;
  readBackwards: Database.Statement;
  readAll: Database.Statement;
  lastPosition: Database.Statement;
  dataVersion: Database.Statement;
}

function prepareStatements(db: Database.Database): Statements {
  const insert = db.prepare(
    'INSERT INTO es_events (event_id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const lastRevision = db
    .prepare('SELECT revision FROM es_events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
    .pluck();
  const findById = db.prepare('SELECT position, event_id, stream, revision FROM es_events WHERE event_id = ?');

  const write = (appends: PreparedAppend[], lookUpIds: boolean): Written => {
    const recordedAt = new Date().toISOString();
    const results: AppendResult[] = [];
    const rows: SqliteEventRow[] = [];
    const inserted: PreparedEvent[] = [];
    for (const append of appends) {
      if (lookUpIds) {
        const original = resolveRetry(append, storedRefs(findById, append));
        if (original) {
          results.push(original);
          continue;
        }
      }
      const current = lastRevision.get(append.stream) as number | undefined;
      if (!revisionMatches(append.expectedRevision, current)) {
        if (!lookUpIds) throw new RetryWithIdLookup();
        throw new WrongExpectedRevision(append.stream, append.expectedRevision, current ?? 'no_stream');
      }
      let revision = current ?? -1;
      let position = 0;
      for (const event of append.events) {
        revision++;
        const info = insert.run(event.id, append.stream, revision, event.type, event.data, event.metadata, recordedAt);
        position = Number(info.lastInsertRowid);
        rows.push([position, event.id, append.stream, revision, event.type, event.data, event.metadata, recordedAt]);
        inserted.push(event);
      }
      results.push({ nextExpectedRevision: revision, position: formatSqlitePosition(position) });
    }
    return { results, rows, inserted };
  };

  return {
    writeFast: db.transaction((appends: PreparedAppend[]) => write(appends, false)),
    writeChecked: db.transaction((appends: PreparedAppend[]) => write(appends, true)),
    readForwards: db
      .prepare(`SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw(),
    readBackwards: db
      .prepare(`SELECT ${COLUMNS} FROM es_events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
      .raw(),
    readAll: db.prepare(`SELECT ${COLUMNS} FROM es_events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
    // max(rowid) is a single b-tree descent; count(*) would scan the whole table on every health probe.
    lastPosition: db.prepare('SELECT max(position) FROM es_events').pluck(),
    // Changes exactly when another connection commits (never for this one's own commits): one shared-memory read.
    dataVersion: db.prepare('PRAGMA data_version').pluck(),
  };
}

function storedRefs(findById: Database.Statement, append: PreparedAppend): Map<string, StoredEventRef> {
  const refs = new Map<string, StoredEventRef>();
  for (const event of append.events) {
    const row = findById.get(event.id) as
      { position: number; event_id: string; stream: string; revision: number } | undefined;
    if (row) {
      refs.set(row.event_id, {
        id: row.event_id,
        stream: row.stream,
        revision: row.revision,
        position: formatSqlitePosition(row.position),
      });
    }
  }
  return refs;
}

function revisionMatches(expected: PreparedAppend['expectedRevision'], current: number | undefined): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === undefined;
  if (expected === 'stream_exists') return current !== undefined;
  return current === expected;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Events decoded recently, by position. Every consumer (sagas, projections, bus bridge, follow-up index) reads the same
 * stretch of the log within moments of the others; decoding an event once instead of once per reader removes most of
 * the JSON parsing of a busy engine. Bounded, so memory stays flat however long the log is.
 */
class DecodedEvents {
  private readonly byPosition = new Map<number, RecordedEvent>();

  constructor(private readonly capacity: number) {}

  decode(rows: SqliteEventRow[]): RecordedEvent[] {
    if (this.capacity === 0) return toRecordedEvents(rows);
    if (rows.length === 0) return [];
    const events: RecordedEvent[] = new Array(rows.length);
    const missing: SqliteEventRow[] = [];
    for (let i = 0; i < rows.length; i++) {
      const known = this.byPosition.get(rows[i][0]);
      if (known) events[i] = known;
      else missing.push(rows[i]);
    }
    if (missing.length === 0) return events;
    const decoded = toRecordedEvents(missing);
    for (let i = 0, j = 0; i < rows.length; i++) {
      if (events[i]) continue;
      const event = deepFreeze(decoded[j++]);
      events[i] = event;
      this.byPosition.set(rows[i][0], event);
    }
    this.evictOldest();
    return events;
  }

  /**
   * Keeps the events this connection just inserted as their appender built them, so that the readers following the
   * head (every saga and consumer, within moments) skip parsing them back: ≈ 3 events of a few KB per imported order,
   * a few percent of the engine thread. Only data that JSON would give back unchanged is kept this way, frozen like
   * any decoded event (an appender changing it afterwards would throw instead of changing what readers see); anything
   * else is parsed from its row when first read, as before.
   */
  adopt(rows: readonly SqliteEventRow[], inserted: readonly PreparedEvent[]): void {
    if (this.capacity === 0 || rows.length === 0) return;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const { data, metadata = {} } = inserted[i].source;
      if (!survivesJsonRoundTrip(data) || !survivesJsonRoundTrip(metadata)) continue;
      const event: RecordedEvent = {
        id: row[1],
        stream: row[2],
        revision: row[3],
        position: formatSqlitePosition(row[0]),
        type: row[4],
        data,
        metadata: metadataOf(metadata),
        recordedAt: row[7],
      };
      this.byPosition.set(row[0], deepFreeze(event));
    }
    this.evictOldest();
  }

  private evictOldest(): void {
    // Maps iterate in insertion order: the first keys are the oldest entries.
    for (const position of this.byPosition.keys()) {
      if (this.byPosition.size <= this.capacity) break;
      this.byPosition.delete(position);
    }
  }
}

/**
 * Rows to events, one JSON.parse per column of each row. Joining a page's texts into one array to parse in a single
 * call (as this adapter once did) is slower on real order events of a few KB: the joined text is copied once more to
 * be flattened, and one character outside Latin-1 in any row makes V8 parse the whole page as two-byte text.
 */
function toRecordedEvents(rows: SqliteEventRow[]): RecordedEvent[] {
  const events: RecordedEvent[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    events[i] = {
      id: row[1],
      stream: row[2],
      revision: row[3],
      position: formatSqlitePosition(row[0]),
      type: row[4],
      data: JSON.parse(row[5]) as Record<string, unknown>,
      metadata: metadataOf(JSON.parse(row[6]) as unknown),
      recordedAt: row[7],
    };
  }
  return events;
}
