import type { SqlDatabase } from '../database/sql-database.port.js';

/** The last `GET /v3.0/marketplaces` answer downloaded from one Lengow API. */
export interface StoredMarketplaceCatalogue {
  /** The answer's JSON, as Lengow sent it: parsed again when restored, by the same rules as a fresh download. */
  readonly body: unknown;
  /** When it was downloaded (ISO 8601). */
  readonly fetchedAt: string;
}

/**
 * Where the connector keeps its last good marketplace list beyond its own memory, like the plugins' cached file
 * (lengow-api.md §4 "Plugin use"), so a restart during a Lengow outage still has the definitions of the marketplaces
 * its orders were imported from. `source` tells the APIs apart (Lengow, the emulator): one list is never served for
 * the other.
 */
export interface MarketplaceCatalogueStore {
  load(source: string): Promise<StoredMarketplaceCatalogue | null>;
  /** Keeps the newer of this one and the one stored (another process may have downloaded a later one meanwhile). */
  save(source: string, catalogue: StoredMarketplaceCatalogue): Promise<void>;
}

const ready = new WeakMap<SqlDatabase, Promise<void>>();

function ensureSchema(db: SqlDatabase): Promise<void> {
  let done = ready.get(db);
  if (!done) {
    done = db
      .transaction(async (tx) => {
        // Concurrent CREATE TABLE IF NOT EXISTS can still collide on PostgreSQL's catalog.
        if (tx.dialect === 'postgres')
          await tx.query(`SELECT pg_advisory_xact_lock(hashtext('lengow_marketplace_catalogue'))`);
        await tx.execute(
          `CREATE TABLE IF NOT EXISTS lengow_marketplace_catalogue (
             source TEXT PRIMARY KEY,
             fetched_at TEXT NOT NULL,
             body TEXT NOT NULL)`,
        );
      })
      .catch((error: unknown) => {
        ready.delete(db);
        throw error;
      });
    ready.set(db, done);
  }
  return done;
}

/** The marketplace list in the engine's database (SQLite or PostgreSQL), one row per Lengow API. */
export class SqlMarketplaceCatalogueStore implements MarketplaceCatalogueStore {
  constructor(private readonly db: SqlDatabase) {}

  async load(source: string): Promise<StoredMarketplaceCatalogue | null> {
    await ensureSchema(this.db);
    const [row] = await this.db.query<{ fetched_at: string; body: string }>(
      'SELECT fetched_at, body FROM lengow_marketplace_catalogue WHERE source = $1',
      [source],
    );
    if (!row) return null;
    return { body: JSON.parse(row.body) as unknown, fetchedAt: row.fetched_at };
  }

  async save(source: string, catalogue: StoredMarketplaceCatalogue): Promise<void> {
    await ensureSchema(this.db);
    await this.db.execute(
      `INSERT INTO lengow_marketplace_catalogue (source, fetched_at, body) VALUES ($1, $2, $3)
       ON CONFLICT (source) DO UPDATE SET fetched_at = excluded.fetched_at, body = excluded.body
       WHERE lengow_marketplace_catalogue.fetched_at < excluded.fetched_at`,
      [source, catalogue.fetchedAt, JSON.stringify(catalogue.body)],
    );
  }
}

/** The API a list belongs to: its URL without credentials, query or trailing slash. */
export function catalogueSourceOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}
