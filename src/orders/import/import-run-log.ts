import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqlDatabase, SqlDialect, SqlExecutor } from '../../database/sql-database.port.js';
import type { Logger } from '../../logging/logger.js';
import type { ImportRunCounts } from './import-run-counts.js';
import type { ImportCheckpoint, ImportWindow } from './import-window.js';

export type ImportRunKind = 'scheduled' | 'window' | 'one_order';
/**
 * `interrupted`: the engine process running it stopped before it finished (killed, crashed, its machine restarted),
 * found by its heartbeat going stale; written by another process (or this one's successor), never by the run itself.
 */
export type ImportRunOutcome = 'running' | 'succeeded' | 'failed' | 'aborted' | 'interrupted';

export interface ImportRunStart {
  readonly id: string;
  readonly kind: ImportRunKind;
  /** `system`, `operator:<name>`, `api-key:<id>`. */
  readonly actor: string;
  readonly window: ImportWindow | null;
  /** Whether success moves the incremental checkpoint (the run covered everything since the last one). */
  readonly advancesCheckpoint: boolean;
  readonly configurationRevision: string | null;
  readonly startedAt: Date;
}

export interface ImportRunEnd {
  readonly outcome: Exclude<ImportRunOutcome, 'running' | 'interrupted'>;
  readonly finishedAt: Date;
  readonly counts: ImportRunCounts;
  /** `updated_at` of the oldest order left waiting for a transient-failure retry, if any. */
  readonly retryFrom?: Date | null;
  /** Why a failed run failed (error code and message; never a credential: connector errors are scrubbed). */
  readonly error: string | null;
}

export interface ImportRunRecord {
  readonly id: string;
  readonly kind: ImportRunKind;
  readonly actor: string;
  readonly windowFrom: string | null;
  readonly windowTo: string | null;
  readonly advancesCheckpoint: boolean;
  readonly configurationRevision: string | null;
  readonly startedAt: string;
  /** For an interrupted run, its last sign of life (last heartbeat; its start for a run of an older engine). */
  readonly finishedAt: string | null;
  readonly outcome: ImportRunOutcome;
  readonly counts: ImportRunCounts | null;
  readonly retryFrom: string | null;
  readonly error: string | null;
  /** The engine process that ran it (`<host>:<pid>:<random>`); null for runs recorded by an older engine. */
  readonly owner: string | null;
  /** When its process last said it was still running it (the database's clock). */
  readonly heartbeatAt: string | null;
}

export interface ImportRunLogOptions {
  /** This process's name on the runs it starts; `<host>:<pid>:<random>` by default (a reused pid is another owner). */
  readonly owner?: string;
  /** How often a running run's heartbeat is refreshed; 10 s by default. */
  readonly heartbeatMs?: number;
  /** How old another owner's heartbeat must be for its run to be closed as interrupted; 2 min by default. */
  readonly staleAfterMs?: number;
  /** The same for a run recorded by an engine that wrote no heartbeat (before the upgrade): from its start; 1 h. */
  readonly legacyStaleAfterMs?: number;
  /** How long a finished run stays in the history, counted from its start; 30 days by default. */
  readonly retentionMs?: number;
  /** The engine's clock, which run starts are written with and the retention is counted on. */
  readonly now?: () => number;
  readonly logger?: Pick<Logger, 'warn'>;
}

/** One run per import interval (and per operator import) would otherwise pile up for as long as the engine runs. */
const PRUNE_EVERY_MS = 3_600_000;

interface Row {
  id: string;
  kind: ImportRunKind;
  actor: string;
  window_from: string | null;
  window_to: string | null;
  advances_checkpoint: number;
  configuration_revision: string | null;
  started_at: string;
  finished_at: string | null;
  outcome: ImportRunOutcome;
  counts: string | null;
  retry_from: string | null;
  error: string | null;
  owner: string | null;
  heartbeat_at: string | null;
}

/** Columns added after the table's first version: added in place to an existing table by `init`. */
const ADDED_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['owner', 'TEXT'],
  ['heartbeat_at', 'TEXT'],
];

export const INTERRUPTED_RUN_ERROR =
  'INTERRUPTED: the engine process running it stopped before it finished (killed, crashed or its machine restarted); ' +
  'finished_at is its last sign of life';

/**
 * The history of import runs in the read-model database (`import_runs`): start, end, outcome and counts of every run,
 * and where the incremental window resumes. Instants are stored as ISO 8601 UTC text (`toISOString`), so they sort and
 * compare as text on both dialects. The checkpoint is only a hint for the window: losing it costs one full window, and
 * duplicates are impossible anyway (identity lives in the event store).
 *
 * A run killed mid-way cannot record its end, so each running run carries its process (`owner`) and a heartbeat that
 * process refreshes on a timer. Why a timer and not progress: a slow page, a reactions pace wait or a Lengow backoff
 * is a live run, and the history must not call it dead; what it must tell is whether the process is still there.
 * Heartbeats are written and judged on the database's clock, so engines on hosts whose clocks disagree still agree
 * on which heartbeat is old. Another owner's run whose heartbeat is older than `staleAfterMs` (a dozen missed beats)
 * is closed as `interrupted`: at start-up, when a run starts and when the history is read. Runs of this log's own
 * owner are never closed by it (it knows they are alive). Should a live run be closed anyway (its process frozen for
 * minutes), its next heartbeat reopens it and its end overwrites the verdict: the history heals rather than lies.
 *
 * Finished runs older than `retentionMs` are deleted, at most once an hour, when a run starts; never the run the
 * incremental window resumes from, however old (after a long outage it is still where the next run starts).
 */
export class ImportRunLog {
  readonly owner: string;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly legacyStaleAfterMs: number;
  private readonly retentionMs: number;
  private readonly now: () => number;
  private lastPrune = Number.NEGATIVE_INFINITY;
  /** The runs this log started and has not finished: the ones its heartbeat keeps alive. */
  private readonly active = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private closing: Promise<number> | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: ImportRunLogOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.heartbeatMs = positive(options.heartbeatMs, 10_000);
    this.staleAfterMs = positive(options.staleAfterMs, 120_000);
    this.legacyStaleAfterMs = positive(options.legacyStaleAfterMs, 3_600_000);
    this.retentionMs = positive(options.retentionMs, 30 * 86_400_000);
    this.now = options.now ?? Date.now;
  }

  /** Creates the table, or brings an existing one up to date, then closes the runs left behind by dead processes. */
  async init(): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Two processes booting together would otherwise race on CREATE TABLE IF NOT EXISTS in PostgreSQL's catalogue.
      if (tx.dialect === 'postgres')
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':import_runs')) AS locked`);
      await tx.execute(`CREATE TABLE IF NOT EXISTS import_runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        actor TEXT NOT NULL,
        window_from TEXT,
        window_to TEXT,
        advances_checkpoint INTEGER NOT NULL,
        configuration_revision TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        outcome TEXT NOT NULL,
        counts TEXT,
        retry_from TEXT,
        error TEXT
      )`);
      const present = new Set(await columnsOf(tx));
      for (const [name, type] of ADDED_COLUMNS)
        if (!present.has(name)) await tx.execute(`ALTER TABLE import_runs ADD COLUMN ${name} ${type}`);
      await tx.execute(
        'CREATE INDEX IF NOT EXISTS import_runs_checkpoint ON import_runs (outcome, advances_checkpoint, window_to)',
      );
      await tx.execute('CREATE INDEX IF NOT EXISTS import_runs_started ON import_runs (started_at)');
    });
    await this.closeInterruptedQuietly();
  }

  async start(run: ImportRunStart): Promise<void> {
    await this.closeInterruptedQuietly();
    await this.pruneQuietly();
    await this.db.execute(
      `INSERT INTO import_runs (id, kind, actor, window_from, window_to, advances_checkpoint, configuration_revision,
         started_at, outcome, owner, heartbeat_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', $9, ${databaseNow(this.db.dialect, '$10')})`,
      [
        run.id,
        run.kind,
        run.actor,
        run.window?.from.toISOString() ?? null,
        run.window?.to.toISOString() ?? null,
        run.advancesCheckpoint ? 1 : 0,
        run.configurationRevision,
        run.startedAt.toISOString(),
        this.owner,
        ago(this.db.dialect, 0),
      ],
    );
    this.active.add(run.id);
    this.timer ??= unref(setInterval(() => void this.heartbeat(), this.heartbeatMs));
  }

  async finish(id: string, end: ImportRunEnd): Promise<void> {
    try {
      await this.db.execute(
        'UPDATE import_runs SET outcome = $2, finished_at = $3, counts = $4, retry_from = $5, error = $6 WHERE id = $1',
        [
          id,
          end.outcome,
          end.finishedAt.toISOString(),
          JSON.stringify(end.counts),
          end.retryFrom?.toISOString() ?? null,
          end.error,
        ],
      );
    } finally {
      // Even when the end could not be written: a heartbeat would keep a run alive that this process has let go of.
      this.active.delete(id);
      if (this.active.size === 0) this.stopTimer();
    }
  }

  /**
   * Refreshes the heartbeat of every run this log has going (the timer calls it; one beat at a time). A run another
   * process closed as interrupted while this one was alive is running again.
   */
  heartbeat(): Promise<void> {
    this.beating ??= this.beat().finally(() => {
      this.beating = null;
    });
    return this.beating;
  }

  /**
   * Closes as `interrupted` every run of another owner whose heartbeat is stale (or, for a run of an older engine,
   * whose start is older than `legacyStaleAfterMs`); returns how many. Its end is its last sign of life.
   */
  closeInterrupted(): Promise<number> {
    this.closing ??= this.sweep().finally(() => {
      this.closing = null;
    });
    return this.closing;
  }

  /**
   * A window run another engine process is running now (its heartbeat fresh), if any: the runs of this log's own owner
   * are the importer's to know, and a one-order import does not hold the window.
   */
  async windowRunElsewhere(): Promise<string | null> {
    const [row] = await this.db.query<{ id: string }>(
      `SELECT id FROM import_runs WHERE outcome = 'running' AND kind <> 'one_order' AND owner IS NOT NULL
         AND owner <> $1 AND heartbeat_at >= ${databaseNow(this.db.dialect, '$2')} ORDER BY started_at LIMIT 1`,
      [this.owner, ago(this.db.dialect, this.staleAfterMs)],
    );
    return row?.id ?? null;
  }

  /** Stops the heartbeat (the app is closing; its runs were stopped first). */
  close(): void {
    this.stopTimer();
  }

  /** Where the next scheduled run resumes: the latest successful run that covered everything before its end. */
  async checkpoint(): Promise<ImportCheckpoint | null> {
    const [row] = await this.db.query<Pick<Row, 'window_to' | 'configuration_revision' | 'retry_from'>>(
      `SELECT window_to, configuration_revision, retry_from FROM import_runs
       WHERE outcome = 'succeeded' AND advances_checkpoint = 1 AND window_to IS NOT NULL
       ORDER BY window_to DESC LIMIT 1`,
    );
    if (!row?.window_to) return null;
    return {
      windowTo: new Date(row.window_to),
      configurationRevision: row.configuration_revision,
      retryFrom: row.retry_from ? new Date(row.retry_from) : null,
    };
  }

  /** Most recent runs first. */
  async recent(limit = 50): Promise<ImportRunRecord[]> {
    await this.closeInterruptedQuietly();
    const rows = await this.db.query<Row>('SELECT * FROM import_runs ORDER BY started_at DESC, id DESC LIMIT $1', [
      Math.max(1, Math.min(1000, Math.floor(limit))),
    ]);
    return rows.map(toRecord);
  }

  async get(id: string): Promise<ImportRunRecord | null> {
    await this.closeInterruptedQuietly();
    const [row] = await this.db.query<Row>('SELECT * FROM import_runs WHERE id = $1', [id]);
    return row ? toRecord(row) : null;
  }

  /** Deletes the finished runs past the retention but the checkpoint's; returns how many. */
  async prune(): Promise<number> {
    this.lastPrune = this.now();
    const before = new Date(this.lastPrune - this.retentionMs).toISOString();
    return this.db.execute(
      `DELETE FROM import_runs WHERE started_at < $1 AND outcome <> 'running'
         AND id NOT IN (SELECT id FROM import_runs WHERE outcome = 'succeeded' AND advances_checkpoint = 1
                          AND window_to IS NOT NULL ORDER BY window_to DESC LIMIT 1)`,
      [before],
    );
  }

  private async pruneQuietly(): Promise<void> {
    if (this.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    try {
      await this.prune();
    } catch (error) {
      // The history only grows a little longer; the next hour tries again.
      this.options.logger?.warn({ err: (error as Error)?.message ?? String(error) }, 'old import runs not pruned');
    }
  }

  private async beat(): Promise<void> {
    const { dialect } = this.db;
    for (const id of [...this.active]) {
      try {
        await this.db.execute(
          `UPDATE import_runs SET heartbeat_at = ${databaseNow(dialect, '$3')},
             outcome = 'running', finished_at = NULL, error = NULL
           WHERE id = $1 AND owner = $2 AND outcome IN ('running', 'interrupted')`,
          [id, this.owner, ago(dialect, 0)],
        );
      } catch (error) {
        // The next beat tries again; a dozen have to be missed before anyone calls the run interrupted.
        this.options.logger?.warn(
          { runId: id, err: (error as Error)?.message ?? String(error) },
          'import run heartbeat not recorded',
        );
      }
    }
  }

  private async sweep(): Promise<number> {
    const { dialect } = this.db;
    const stale = `outcome = 'running' AND (owner IS NULL OR owner <> $1)
      AND (heartbeat_at < ${databaseNow(dialect, '$2')}
        OR (heartbeat_at IS NULL AND started_at < ${databaseNow(dialect, '$3')}))`;
    const params = [this.owner, ago(dialect, this.staleAfterMs), ago(dialect, this.legacyStaleAfterMs)];
    // A read first: on SQLite a write would queue behind the engine's group commits on every history read.
    const [found] = await this.db.query(`SELECT id FROM import_runs WHERE ${stale} LIMIT 1`, params);
    if (!found) return 0;
    const closed = await this.db.execute(
      `UPDATE import_runs SET outcome = 'interrupted', finished_at = COALESCE(heartbeat_at, started_at), error = $4
       WHERE ${stale}`,
      [...params, INTERRUPTED_RUN_ERROR],
    );
    if (closed > 0)
      this.options.logger?.warn({ closed }, 'import runs whose engine process stopped mid-run closed as interrupted');
    return closed;
  }

  /** The history is still worth reading, and a run still worth starting, when the sweep could not be written. */
  private async closeInterruptedQuietly(): Promise<void> {
    try {
      await this.closeInterrupted();
    } catch (error) {
      this.options.logger?.warn(
        { err: (error as Error)?.message ?? String(error) },
        'could not close the import runs of stopped engine processes',
      );
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

async function columnsOf(tx: SqlExecutor): Promise<string[]> {
  const rows =
    tx.dialect === 'postgres'
      ? await tx.query<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = 'import_runs'`,
        )
      : await tx.query<{ name: string }>(`SELECT name FROM pragma_table_info('import_runs')`);
  return rows.map((row) => row.name);
}

/**
 * The database's clock minus the interval bound to `param` (see `ago`), as `toISOString()` text: what the heartbeats
 * are written with and compared against.
 */
function databaseNow(dialect: SqlDialect, param: string): string {
  return dialect === 'postgres'
    ? `to_char((clock_timestamp() - CAST(${param} AS interval)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${param})`;
}

/** The interval `databaseNow` subtracts, in each dialect's spelling. */
function ago(dialect: SqlDialect, ms: number): string {
  const seconds = (ms / 1000).toFixed(3);
  return dialect === 'postgres' ? `${seconds} seconds` : `-${seconds} seconds`;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function unref(timer: NodeJS.Timeout): NodeJS.Timeout {
  // A heartbeat must not keep alive a process that is otherwise done (CLI tools, tests).
  timer.unref();
  return timer;
}

function toRecord(row: Row): ImportRunRecord {
  return {
    id: row.id,
    kind: row.kind,
    actor: row.actor,
    windowFrom: row.window_from,
    windowTo: row.window_to,
    advancesCheckpoint: Number(row.advances_checkpoint) === 1,
    configurationRevision: row.configuration_revision,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    counts: row.counts === null ? null : (JSON.parse(row.counts) as ImportRunCounts),
    retryFrom: row.retry_from,
    error: row.error,
    owner: row.owner ?? null,
    heartbeatAt: row.heartbeat_at ?? null,
  };
}
