import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDatabase, type SqliteOptions } from '../../../database/sqlite-database.js';
import { SqliteEventStore } from '../sqlite-event-store.js';

/**
 * A test's SQLite files on disk, in a fresh folder of the OS temp dir: for what `:memory:` cannot show (WAL, a second
 * connection to the same file, a worker thread opening it). `dispose()` closes what was opened here, last first, then
 * removes the folder, even if a close fails.
 */
export class TempSqliteFolder {
  readonly path: string;
  private readonly closers: (() => Promise<unknown> | unknown)[] = [];

  constructor(prefix: string) {
    this.path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  }

  file(name: string): string {
    return join(this.path, name);
  }

  database(name: string, options: Omit<SqliteOptions, 'path'> = {}): SqliteDatabase {
    const db = new SqliteDatabase({ ...options, path: this.file(name) });
    this.closers.push(() => db.close());
    return db;
  }

  /** A database with an event store on it, its schema created. */
  async eventStore(name: string): Promise<{ db: SqliteDatabase; store: SqliteEventStore }> {
    const db = this.database(name);
    const store = new SqliteEventStore(db);
    this.closers.push(() => store.close());
    await store.init();
    return { db, store };
  }

  async dispose(): Promise<void> {
    try {
      for (const close of this.closers.splice(0).reverse()) await close();
    } finally {
      rmSync(this.path, { recursive: true, force: true });
    }
  }
}
