import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { PostgresDatabase } from '../database/postgres-database.js';
import type { SqlDatabase } from '../database/sql-database.port.js';
import { SqliteDatabase } from '../database/sqlite-database.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { EventStoreDbEventStore } from '../event-store/eventstoredb/eventstoredb-event-store.js';
import {
  describeEventStoreDbUrl,
  eventStoreDbSecretsOf,
} from '../event-store/eventstoredb/validate-eventstoredb-url.js';
import { PostgresEventStore } from '../event-store/postgres/postgres-event-store.js';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { scrubSecrets } from '../lengow/secret-scrubber.js';
import type { Logger } from '../logging/logger.js';
import type { OverviewWorkerData } from '../orders/projections/worker/overview-worker-protocol.js';
import { BootError, describeConnectionString } from './boot-error.js';

/** What the engine opens before Nest starts: the event store and the database holding read models and the shop. */
export interface Infrastructure {
  config: AppConfig;
  logger: Logger;
  eventStore: EventStore;
  readModels: SqlDatabase;
  /** Where the order read models live, and whether a worker thread writes them; `readModels` on this thread if absent. */
  orderReadModels?: OrderReadModelsPlacement;
  close(): Promise<void>;
}

export interface OrderReadModelsPlacement {
  /** The connection the engine queries them on. */
  db: SqlDatabase;
  /** What a worker thread opens to write them; null: they are written on the engine's thread, through `db`. */
  worker: Pick<OverviewWorkerData, 'eventStorePath' | 'readModelsPath'> | null;
}

/**
 * Opens the configured databases and event store, creating schemas as needed. Every failure becomes a BootError
 * whose message says what could not be reached or written, without credentials.
 */
export async function openInfrastructure(config: AppConfig, logger: Logger): Promise<Infrastructure> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    let sqlite: SqliteDatabase | undefined;
    let postgres: PostgresDatabase | undefined;
    const needsSqlite = config.EVENT_STORE === 'sqlite' || config.READ_MODEL_STORE === 'sqlite';
    const needsPostgres = config.EVENT_STORE === 'postgres' || config.READ_MODEL_STORE === 'postgres';

    if (needsSqlite) {
      sqlite = openSqlite(config);
      closers.push(() => sqlite!.close());
    }
    if (needsPostgres) {
      postgres = await openPostgres(config);
      closers.push(() => postgres!.close());
    }

    let eventStore: EventStore;
    if (config.EVENT_STORE === 'sqlite') {
      const store = new SqliteEventStore(sqlite!, { logger });
      await store.init();
      eventStore = store;
    } else if (config.EVENT_STORE === 'postgres') {
      const store = new PostgresEventStore(postgres!, { logger });
      await store.init();
      eventStore = store;
    } else {
      eventStore = await openEventStoreDb(config.EVENTSTOREDB_URL!, logger);
    }
    closers.push(() => eventStore.close());

    const readModels: SqlDatabase = config.READ_MODEL_STORE === 'postgres' ? postgres! : sqlite!;
    let orderReadModels: OrderReadModelsPlacement = { db: readModels, worker: null };
    if (workerWritesReadModels(config)) {
      const readModelsPath = readModelsFileOf(config);
      // Queries only (the worker writes): the hot part of a list's indexes, not the whole working set of the writer.
      const db = openSqliteFile(readModelsPath, config, 8192);
      closers.push(() => db.close());
      const worker = {
        eventStorePath: resolve(config.SQLITE_PATH),
        readModelsPath,
      };
      orderReadModels = { db, worker };
    } else {
      warnOfStaleReadModelsFile(config, logger);
    }
    logger.info(
      {
        eventStore: config.EVENT_STORE,
        readModels: config.READ_MODEL_STORE,
        orderReadModels: orderReadModels.worker
          ? { thread: 'worker', file: orderReadModels.worker.readModelsPath }
          : { thread: 'main' },
      },
      'event store and read-model database open',
    );
    return { config, logger, eventStore, readModels, orderReadModels, close };
  } catch (error) {
    await close();
    throw error instanceof BootError ? error : new BootError((error as Error).message, { cause: error });
  }
}

/**
 * The connection to the order read models (overview, counters, the runner's checkpoints) wherever this configuration
 * keeps them: the worker's own file, or `readModels` when they are written on the engine's thread. Tools working on
 * them from another process (the CLI) go through this, so they look where the server's runner writes.
 */
export function orderReadModelsOf(infrastructure: Pick<Infrastructure, 'readModels' | 'orderReadModels'>): SqlDatabase {
  return infrastructure.orderReadModels?.db ?? infrastructure.readModels;
}

/** A worker thread needs files it can open itself: SQLite for both the log and the read models, not in memory. */
function workerWritesReadModels(config: AppConfig): boolean {
  return (
    config.READ_MODELS_THREAD === 'worker' &&
    config.EVENT_STORE === 'sqlite' &&
    config.READ_MODEL_STORE === 'sqlite' &&
    config.SQLITE_PATH !== ':memory:'
  );
}

/**
 * Back on the engine's thread after running with the worker, the read models are rebuilt into the engine's file and
 * the worker's file stays behind: an SQL dashboard pointed at it would read tables nothing updates any more, and only
 * the operator knows whether they will switch back (its tables would then carry on from where they stopped).
 */
function warnOfStaleReadModelsFile(config: AppConfig, logger: Logger): void {
  if (config.EVENT_STORE !== 'sqlite' || config.READ_MODEL_STORE !== 'sqlite' || config.SQLITE_PATH === ':memory:')
    return;
  const stale = readModelsFileOf(config);
  if (stale === resolve(config.SQLITE_PATH) || !existsSync(stale)) return;
  logger.warn(
    { file: stale, readModelsThread: config.READ_MODELS_THREAD },
    `the order read models are written into ${resolve(config.SQLITE_PATH)} on the engine's thread; ${stale} holds ` +
      'the copy a read models worker wrote earlier, which nothing updates any more: delete it (with its -wal and -shm ' +
      'files) unless you will switch back to READ_MODELS_THREAD=worker',
  );
}

/** The worker's read models file, as configured or beside the engine file: where it writes, or has written. */
function readModelsFileOf(config: AppConfig): string {
  return resolve(config.SQLITE_READ_MODELS_PATH ?? readModelsPathFor(config.SQLITE_PATH));
}

/** `data/lengow-sync.sqlite` → `data/lengow-sync.read-models.sqlite`. */
export function readModelsPathFor(sqlitePath: string): string {
  const extension = extname(sqlitePath);
  return join(dirname(sqlitePath), `${basename(sqlitePath, extension)}.read-models${extension || '.sqlite'}`);
}

function openSqlite(config: AppConfig): SqliteDatabase {
  return openSqliteFile(resolve(config.SQLITE_PATH), config);
}

function openSqliteFile(path: string, config: AppConfig, cacheKiB?: number): SqliteDatabase {
  const folder = dirname(path);
  try {
    createFolder(folder);
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw new BootError(
      `SQLite data folder ${folder} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  try {
    return new SqliteDatabase({ path, synchronous: config.SQLITE_SYNCHRONOUS, cacheKiB });
  } catch (error) {
    throw new BootError(`cannot open SQLite database ${path}: ${(error as Error).message}`);
  }
}

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns on some pseudo file systems (/proc), and a boot
 * must fail fast there too.
 */
function createFolder(folder: string): void {
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    return;
  }
  const parent = dirname(folder);
  if (parent !== folder) createFolder(parent);
  mkdirSync(folder);
}

async function openPostgres(config: AppConfig): Promise<PostgresDatabase> {
  const database = new PostgresDatabase({ connectionString: config.DATABASE_URL!, schema: config.DATABASE_SCHEMA });
  try {
    await database.init();
    return database;
  } catch (error) {
    await database.close().catch(() => undefined);
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new BootError(
      `PostgreSQL at ${describeConnectionString(config.DATABASE_URL!)} is unreachable or refused us (${reason})`,
    );
  }
}

async function openEventStoreDb(url: string, logger: Logger): Promise<EventStore> {
  let store: EventStore;
  try {
    store = new EventStoreDbEventStore(url, { logger });
  } catch (error) {
    throw new BootError(`invalid EVENTSTOREDB_URL: ${(error as Error).message}`);
  }
  const health = await store.health().catch((error: Error) => ({ ok: false, details: { error: error.message } }));
  if (!health.ok) {
    await store.close().catch(() => undefined);
    // The client's own text may quote the connection string or a host it made of the password.
    const details = scrubSecrets(JSON.stringify(health.details ?? {}), eventStoreDbSecretsOf(url));
    throw new BootError(`EventStoreDB at ${describeEventStoreDbUrl(url)} is unreachable (${details})`);
  }
  return store;
}
