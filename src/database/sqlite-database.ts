import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AsyncMutex } from './async-mutex.js';
import type { SqlDatabase, SqlExecutor, SqlParam } from './sql-database.port.js';

export type SqliteSynchronous = 'FULL' | 'NORMAL';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** FULL (default): an acknowledged write survives power loss. NORMAL: faster, may lose the last commits on power loss. */
  synchronous?: SqliteSynchronous;
  /** Page cache, in KiB (default 32 768: see the constructor). Smaller for connections that only read a little. */
  cacheKiB?: number;
}

/**
 * One better-sqlite3 connection shared by the event store, the read models and the shop.
 *
 * better-sqlite3 is synchronous and a second connection would block the event loop while it waits for the file lock
 * held by the first, so everything goes through this single connection; `exclusive` serialises async transactions so
 * that no statement from elsewhere can slip into an open transaction.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly mutex = new AsyncMutex();
  private readonly statements = new Map<string, PreparedSql>();
  /** Transactions waiting for the next group commit. */
  private readonly pending: PendingTransaction[] = [];

  constructor(options: SqliteOptions) {
    const cacheKiB = options.cacheKiB ?? 32_768;
    if (!Number.isInteger(cacheKiB) || cacheKiB < 1) throw new Error('cacheKiB must be a positive integer');
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    // The default 2 MB page cache makes a busy engine re-read its indexes from the OS on every commit; 32 MB holds
    // the hot part of the event log, the shop and the read models, and stays a fixed cost however much is imported.
    this.db.pragma(`cache_size = -${cacheKiB}`);
    // Checkpointing every 1 000 WAL pages (the default) copies pages the next commits rewrite anyway (read-model rows
    // updated several times per order) and runs inside a commit; every 10 000 pages (≈ 40 MB) copies each of them
    // once. The WAL file is cut back to 64 MB after a checkpoint instead of staying at its largest size.
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.pragma('journal_size_limit = 67108864');
    this.db.pragma('temp_store = MEMORY');
  }

  /** Runs `work` alone on the connection (no other transaction is open while it runs). */
  exclusive<T>(work: () => Promise<T> | T): Promise<T> {
    return this.mutex.runExclusive(work);
  }

  /** A cached prepared statement, with `$n` placeholders rewritten for SQLite. */
  prepare(sql: string): PreparedSql {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      const rewritten = toSqlitePlaceholders(sql);
      const statement = this.db.prepare(rewritten.sql);
      prepared = { statement, order: rewritten.order, columns: rawColumns(statement, sql) };
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  // async: a statement SQLite cannot prepare rejects the promise rather than throwing at the call.
  async query<Row = Record<string, unknown>>(sql: string, params: SqlParam[] = []): Promise<Row[]> {
    // A statement that writes (INSERT … RETURNING) joins the group commit like any other write.
    if (!this.prepare(sql).statement.readonly) return this.transaction(async () => this.querySync<Row>(sql, params));
    return this.exclusive(() => this.querySync<Row>(sql, params));
  }

  async execute(sql: string, params: SqlParam[] = []): Promise<number> {
    if (!this.prepare(sql).statement.readonly) return this.transaction(async () => this.executeSync(sql, params));
    return this.exclusive(() => this.executeSync(sql, params));
  }

  /**
   * Group commit: every transaction (and every single write) that is waiting when the connection frees up runs in one
   * SQLite transaction, each in its own savepoint and in arrival order, so a burst of small writes from the event
   * store, the shop, the projections and the consumers' checkpoints costs one commit (one fsync) instead of one each.
   * Each behaves as if it had run alone right after the previous one: one that throws rolls back to its savepoint and
   * is rejected alone; the others resolve only once the shared COMMIT succeeded. If the transaction itself is lost
   * (COMMIT fails, or SQLite aborted it), every member of the group is rejected and none of them is stored.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve, reject } as PendingTransaction);
      if (this.pending.length === 1) void this.exclusive(() => this.commitGroup());
    });
  }

  private async commitGroup(): Promise<void> {
    // One turn of the event loop lets the writers that are about to ask (the other sagas, the importer's other
    // orders, the projections) join this commit instead of each paying the next one: under load a fifth as many.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const group = this.pending.splice(0, MAX_GROUP);
    // Members that arrived beyond the cap start the next group, behind whatever is already queued on the connection.
    if (this.pending.length > 0) void this.exclusive(() => this.commitGroup());
    if (group.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const { db } = this;
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const member of group) {
        db.exec('SAVEPOINT grouped');
        try {
          // A fresh executor per member: callers may key per-transaction state (caches) on its identity.
          const value = await member.work(this.executor());
          db.exec('RELEASE grouped');
          outcomes.push({ ok: true, value });
        } catch (error) {
          // An error that ended the whole transaction took the group's earlier writes with it.
          if (!db.inTransaction) throw error;
          db.exec('ROLLBACK TO grouped');
          db.exec('RELEASE grouped');
          outcomes.push({ ok: false, error });
        }
      }
      db.exec('COMMIT');
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const { reject } of group) reject(error);
      return;
    }
    group.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }

  /**
   * A deferred transaction: in WAL mode its first read pins a snapshot that later commits (from this connection's
   * group commits, which wait behind it, or from another connection such as the read models' worker) do not change,
   * and it never waits for another connection's write lock. Write statements are refused.
   */
  snapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const refuseWrites = (sql: string) => {
      if (!this.prepare(sql).statement.readonly) throw new Error('a snapshot only reads: write statements are refused');
    };
    const reader: SqlExecutor = {
      dialect: 'sqlite',
      query: async <Row>(sql: string, params: SqlParam[] = []) => {
        refuseWrites(sql);
        return this.querySync<Row>(sql, params);
      },
      execute: async (sql: string, params: SqlParam[] = []) => {
        refuseWrites(sql);
        return this.executeSync(sql, params);
      },
    };
    return this.exclusive(async () => {
      this.db.exec('BEGIN DEFERRED');
      try {
        const result = await work(reader);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  private executor(): SqlExecutor {
    return {
      dialect: 'sqlite',
      query: async <Row>(sql: string, params: SqlParam[] = []) => this.querySync<Row>(sql, params),
      execute: async (sql: string, params: SqlParam[] = []) => this.executeSync(sql, params),
    };
  }

  querySync<Row>(sql: string, params: SqlParam[]): Row[] {
    const { statement, order, columns } = this.prepare(sql);
    const bound = order.map((n) => toSqliteValue(params[n - 1]));
    if (columns) return toRows<Row>(statement.all(...bound) as unknown[][], columns);
    if (statement.reader) return statement.all(...bound) as Row[];
    statement.run(...bound);
    return [];
  }

  executeSync(sql: string, params: SqlParam[]): number {
    const { statement, order } = this.prepare(sql);
    const bound = order.map((n) => toSqliteValue(params[n - 1]));
    if (statement.reader) {
      statement.all(...bound);
      return 0;
    }
    return statement.run(...bound).changes;
  }

  async close(): Promise<void> {
    await this.exclusive(() => {
      if (this.db.open) this.db.close();
    });
  }
}

interface PendingTransaction {
  readonly work: (tx: SqlExecutor) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Bounds how long one group holds the connection (readers wait behind it) and how much one lost COMMIT takes down. */
const MAX_GROUP = 256;

export interface PreparedSql {
  statement: Database.Statement;
  /** For each `?` in the statement, the 1-based index of the `$n` parameter it stands for. */
  order: number[];
  /** Set when the statement returns rows as arrays (raw mode): the names to turn them into objects with. */
  columns: readonly string[] | null;
}

/**
 * better-sqlite3 builds each row object natively, looking every column name up again for every row; rows fetched as
 * arrays and named here cost less than half as much (measured on the catalogue's rows), which counts on the queries
 * that return whole product families or read-model rows. Only for statements whose result columns are spelled out
 * in the SQL: a `*` may expand differently once the schema changes under the cached statement (a read-model view
 * re-pointed at a new generation), while better-sqlite3's own objects always follow the current columns.
 */
function rawColumns(statement: Database.Statement, sql: string): readonly string[] | null {
  if (!statement.reader || sql.includes('*')) return null;
  statement.raw(true);
  return statement.columns().map((column) => column.name);
}

function toRows<Row>(arrays: readonly unknown[][], columns: readonly string[]): Row[] {
  const rows = new Array<Row>(arrays.length);
  for (let r = 0; r < arrays.length; r++) {
    const values = arrays[r];
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) row[columns[c]] = values[c];
    rows[r] = row as Row;
  }
  return rows;
}

function toSqliteValue(value: SqlParam | undefined): unknown {
  if (value === undefined) return null;
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/**
 * `$1 … $n` → anonymous `?` plus the order to bind them in (better-sqlite3 does not bind SQLite's `?NNN` from an
 * argument list), skipping string literals and quoted identifiers, so the same SQL text runs on both dialects.
 */
export function toSqlitePlaceholders(sql: string): { sql: string; order: number[] } {
  const order: number[] = [];
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j])) j++;
      order.push(Number(sql.slice(i + 1, j)));
      out += '?';
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return { sql: out, order };
}
