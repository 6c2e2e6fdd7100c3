/**
 * The SQL database that holds read models, projection checkpoints and the built-in shop: SQLite on the embedded
 * default, PostgreSQL otherwise. Statements use PostgreSQL-style `$1, $2…` placeholders on both dialects, so one
 * SQL string serves both wherever the syntax allows; `dialect` lets callers branch where it does not.
 */
export type SqlDialect = 'sqlite' | 'postgres';

export type SqlParam = string | number | bigint | boolean | null | Buffer;

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  query<Row = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<Row[]>;
  /** Runs a statement; returns the number of rows it changed. */
  execute(sql: string, params?: SqlParam[]): Promise<number>;
}

export interface SqlDatabase extends SqlExecutor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `work`'s reads against one consistent snapshot, without taking the write lock: for readers that compare
   * several tables while a writer keeps going (the drift check against a running projection). Writes are refused.
   */
  snapshot<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Nest injection token for the read-model database. */
export const SQL_DATABASE = Symbol('SQL_DATABASE');
