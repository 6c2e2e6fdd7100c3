import { pino } from 'pino';
import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../../../common/lower-thread-priority.js';
import { SqliteDatabase } from '../../../database/sqlite-database.js';
import { SqliteEventStore } from '../../../event-store/sqlite/sqlite-event-store.js';
import { orderReadModelsRunner } from '../order-read-models-runner.js';
import {
  toWorkerError,
  type FromOverviewWorker,
  type OverviewWorkerData,
  type ToOverviewWorker,
} from './overview-worker-protocol.js';

/**
 * Whatever SQLITE_SYNCHRONOUS says for the event log, the read models' file is written without an fsync per commit.
 * They are derived data: in WAL mode a power loss can only take their last commits, rows and checkpoint together, and
 * the projection then reads those events again from the log. The log's own commits stay as durable as configured; at
 * FULL (the default) this thread only ever reads events already on disk, so after a power loss the read models may be
 * behind the log, never ahead of it. An fsync per commit here (megabytes of index pages each time) also queued in
 * front of the engine's own fsyncs on the same disk.
 */
const READ_MODELS_SYNCHRONOUS = 'NORMAL';

/**
 * The order overview projection on its own thread (see OverviewWorkerRunner): it reads the event log through its own
 * connection and writes the read models to their own SQLite file, so neither its CPU nor its commits hold up the
 * engine's thread and the engine's file.
 */
const port = parentPort;
if (!port) throw new Error('overview-worker runs as a worker thread');
const data = workerData as OverviewWorkerData;
const post = (message: FromOverviewWorker) => port.postMessage(message);

// Lines go back to the engine, whose logger (its bindings, redaction, destination, level) writes them.
const logger = pino({ level: data.logLevel, base: null }, { write: (line: string) => post({ type: 'log', line }) });

const priority = lowerThreadPriority(data.niceness ?? 0);
if (priority.kind === 'failed')
  logger.warn({ reason: priority.reason }, 'read models thread left at the engine priority');

// This connection only reads the log's newest pages (the rows the engine just wrote): a small cache holds them.
const events = new SqliteDatabase({ path: data.eventStorePath, cacheKiB: 4096 });
const readModels = new SqliteDatabase({ path: data.readModelsPath, synchronous: READ_MODELS_SYNCHRONOUS });
logger.info(
  {
    eventStoreFile: data.eventStorePath,
    readModelsFile: data.readModelsPath,
    readModelsSynchronous: synchronousOf(readModels),
  },
  'read models thread open',
);
// The overview projection is this store's only reader: there is nothing to gain from sharing decoded events.
const store = new SqliteEventStore(events, { logger, shareDecodedEvents: false });
const runner = orderReadModelsRunner({
  store,
  db: readModels,
  batchSize: data.batchSize,
  pollIntervalMs: data.pollIntervalMs,
  logger,
});

let lastStatus = '';
const statuses = () => runner.status();
// Status is read synchronously on the engine's side (health, metrics, the dashboard's position): it is kept fresh.
const statusTimer = setInterval(() => {
  const now = statuses();
  const json = JSON.stringify(now);
  if (json === lastStatus) return;
  lastStatus = json;
  post({ type: 'status', statuses: now });
}, 100);

async function answer(id: number, work: () => Promise<unknown>): Promise<void> {
  try {
    const value = await work();
    post({ type: 'reply', id, ok: true, value: value ?? null, statuses: statuses() });
  } catch (error) {
    post({ type: 'reply', id, ok: false, error: toWorkerError(error), statuses: statuses() });
  }
}

async function stop(): Promise<void> {
  clearInterval(statusTimer);
  await runner.stop();
  await store.close();
  await readModels.close();
  await events.close();
}

port.on('message', (message: ToOverviewWorker) => {
  switch (message.type) {
    case 'start':
      return void answer(message.id, () => runner.start());
    case 'stop':
      return void answer(message.id, stop).then(() => port.close());
    case 'wait':
      return void answer(message.id, () =>
        runner.waitUntilCaughtUp(message.position, { projections: message.projections, timeoutMs: message.timeoutMs }),
      );
    case 'rebuild':
      return void answer(message.id, () =>
        runner.rebuild(message.name, {
          onProgress: (progress) => post({ type: 'rebuild-progress', id: message.id, progress }),
        }),
      );
    case 'resume':
      return void answer(message.id, () => runner.resume(message.name));
    case 'wake':
      return runner.wake();
  }
});

/** The connection's setting as SQLite reports it (what is in force, not what was asked for). */
function synchronousOf(database: SqliteDatabase): string {
  const level = database.db.pragma('synchronous', { simple: true });
  return ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(level)] ?? String(level);
}
