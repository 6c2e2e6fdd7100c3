import pg from 'pg';
import type { SqlDatabase, SqlExecutor, SqlParam } from './sql-database.port.js';

// BIGINT (int8) and NUMERIC come back as strings by default; counts and ids in read models fit in a JS number, so
// int8 is parsed as number while staying exact up to 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
});

export interface PostgresOptions {
  connectionString: string;
  /** Schema holding the engine's tables; created when missing. Lets tests run isolated in one database. */
  schema?: string;
  max?: number;
}

/** A pg Pool behind the SqlDatabase port; each transaction holds one client from BEGIN to COMMIT. */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly schema: string;

  constructor(options: PostgresOptions) {
    this.schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new Error(`invalid PostgreSQL schema name: ${this.schema}`);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      // Every connection resolves unqualified names in our schema first.
      options: `-c search_path=${this.schema},public`,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  /** Creates the schema if needed; call once at boot. */
  async init(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
  }

  async query<Row = Record<string, unknown>>(sql: string, params: SqlParam[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params as unknown[])).rows as Row[];
  }

  async execute(sql: string, params: SqlParam[] = []): Promise<number> {
    return (await this.pool.query(sql, params as unknown[])).rowCount ?? 0;
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.run('BEGIN', work);
  }

  snapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.run('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  private async run<T>(begin: string, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: SqlExecutor = {
      dialect: 'postgres',
      query: async <Row>(sql: string, params: SqlParam[] = []) =>
        (await client.query(sql, params as unknown[])).rows as Row[],
      execute: async (sql: string, params: SqlParam[] = []) =>
        (await client.query(sql, params as unknown[])).rowCount ?? 0,
    };
    try {
      await client.query(begin);
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
