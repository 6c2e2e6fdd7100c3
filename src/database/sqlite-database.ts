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

  constructor(options: SqliteOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
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
      prepared = { statement: this.db.prepare(rewritten.sql), order: rewritten.order };
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  query<Row = Record<string, unknown>>(sql: string, params: SqlParam[] = []): Promise<Row[]> {
    return this.exclusive(() => this.querySync<Row>(sql, params));
  }

  execute(sql: string, params: SqlParam[] = []): Promise<number> {
    return this.exclusive(() => this.executeSync(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      const tx: SqlExecutor = {
        dialect: 'sqlite',
        query: async <Row>(sql: string, params: SqlParam[] = []) => this.querySync<Row>(sql, params),
        execute: async (sql: string, params: SqlParam[] = []) => this.executeSync(sql, params),
      };
      try {
        const result = await work(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  querySync<Row>(sql: string, params: SqlParam[]): Row[] {
    const { statement, order } = this.prepare(sql);
    const bound = order.map((n) => toSqliteValue(params[n - 1]));
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

export interface PreparedSql {
  statement: Database.Statement;
  /** For each `?` in the statement, the 1-based index of the `$n` parameter it stands for. */
  order: number[];
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
