import type { SqlDatabase, SqlExecutor, SqlParam } from '../../../database/sql-database.port.js';
import type { ReadModelRunner } from '../../../event-store/projections/read-model-runner.js';
import type { Logger } from '../../../logging/logger.js';
import { OVERVIEW_TABLES } from '../overview-schema.js';
import { retireEngineFileOverview } from './retire-engine-file-overview.js';

/**
 * Where the engine's order queries read: the read models' own file, or — while the worker builds that file for the
 * first time after an upgrade (or a switch from READ_MODELS_THREAD=main) — the copy the engine's file still holds.
 * That copy is frozen at the upgrade, but it lists every order; the new file fills from the first event, and an
 * operator opening the dashboard meanwhile would see orders missing. The copy is handed over, then dropped, once the
 * worker has caught up.
 */
export class OrderReadModelsSource implements SqlExecutor {
  readonly dialect;
  private previous: SqlExecutor | null = null;

  constructor(private readonly own: SqlExecutor) {
    this.dialect = own.dialect;
  }

  /** True while the queries read the engine file's copy. */
  get servingPreviousCopy(): boolean {
    return this.previous !== null;
  }

  serveFrom(previous: SqlExecutor): void {
    this.previous = previous;
  }

  handOver(): void {
    this.previous = null;
  }

  query<Row = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<Row[]> {
    return (this.previous ?? this.own).query<Row>(sql, params);
  }

  execute(sql: string, params?: SqlParam[]): Promise<number> {
    return (this.previous ?? this.own).execute(sql, params);
  }
}

/** Whether the engine's file still holds an order overview a query could read (its view). */
export async function engineFileHasOverview(engineFile: SqlExecutor): Promise<boolean> {
  const views = await engineFile.query(`SELECT name FROM sqlite_master WHERE type = 'view' AND name = $1`, [
    OVERVIEW_TABLES.overview,
  ]);
  return views.length > 0;
}

export interface HandoverOptions {
  runner: ReadModelRunner;
  source: OrderReadModelsSource;
  engineFile: SqlDatabase;
  readModelsPath: string;
  logger: Logger;
  /** Aborted when the engine stops: the wait ends, the copy stays for a later start. */
  stopped: AbortSignal;
  /** Pause before waiting again after the worker failed or stopped (default 1 s). */
  retryMs?: number;
}

/**
 * Waits until the worker has caught up, then points the queries at its file and drops the engine file's copy. A
 * worker that fails first is waited for again (the resume command brings it back) rather than leaving the queries on
 * a copy nothing updates until the next start.
 */
export async function handOverWhenCaughtUp(options: HandoverOptions): Promise<void> {
  const { runner, source, engineFile, readModelsPath, logger, stopped } = options;
  while (!stopped.aborted) {
    try {
      await runner.waitUntilCaughtUp();
      break;
    } catch (error) {
      logger.debug({ err: error }, 'order read models worker not caught up yet: the engine file copy still answers');
      await pause(options.retryMs ?? 1000, stopped);
    }
  }
  if (stopped.aborted) return;
  const wasServing = source.servingPreviousCopy;
  // Queries move first: one already queued on the engine file runs before the drop (one connection, in order).
  source.handOver();
  if (wasServing) logger.info({ readModelsPath }, 'order queries now read the read models file');
  try {
    if (await retireEngineFileOverview(engineFile)) {
      logger.info(
        { readModelsPath },
        'order read models now kept in their own file: dropped the old copy from the engine file',
      );
    }
  } catch (error) {
    logger.warn({ err: error }, 'could not drop the old order read models from the engine file; a later start will');
  }
}

function pause(ms: number, stopped: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stopped.aborted) return resolve();
    const timer = setTimeout(done, ms);
    stopped.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      stopped.removeEventListener('abort', done);
      resolve();
    }
  });
}
