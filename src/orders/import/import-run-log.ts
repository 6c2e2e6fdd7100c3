import type { SqlDatabase } from '../../database/sql-database.port.js';
import type { ImportRunCounts } from './import-run-counts.js';
import type { ImportCheckpoint, ImportWindow } from './import-window.js';

export type ImportRunKind = 'scheduled' | 'window' | 'one_order';
export type ImportRunOutcome = 'running' | 'succeeded' | 'failed' | 'aborted';

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
  readonly outcome: Exclude<ImportRunOutcome, 'running'>;
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
  readonly finishedAt: string | null;
  readonly outcome: ImportRunOutcome;
  readonly counts: ImportRunCounts | null;
  readonly retryFrom: string | null;
  readonly error: string | null;
}

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
}

/**
 * The history of import runs in the read-model database (`import_runs`): start, end, outcome and counts of every run,
 * and where the incremental window resumes. Instants are stored as ISO 8601 UTC text (`toISOString`), so they sort and
 * compare as text on both dialects. The checkpoint is only a hint for the window: losing it costs one full window, and
 * duplicates are impossible anyway (identity lives in the event store).
 */
export class ImportRunLog {
  constructor(private readonly db: SqlDatabase) {}

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
      await tx.execute(
        'CREATE INDEX IF NOT EXISTS import_runs_checkpoint ON import_runs (outcome, advances_checkpoint, window_to)',
      );
      await tx.execute('CREATE INDEX IF NOT EXISTS import_runs_started ON import_runs (started_at)');
    });
  }

  async start(run: ImportRunStart): Promise<void> {
    await this.db.execute(
      `INSERT INTO import_runs (id, kind, actor, window_from, window_to, advances_checkpoint, configuration_revision,
         started_at, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running')`,
      [
        run.id,
        run.kind,
        run.actor,
        run.window?.from.toISOString() ?? null,
        run.window?.to.toISOString() ?? null,
        run.advancesCheckpoint ? 1 : 0,
        run.configurationRevision,
        run.startedAt.toISOString(),
      ],
    );
  }

  async finish(id: string, end: ImportRunEnd): Promise<void> {
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
    const rows = await this.db.query<Row>('SELECT * FROM import_runs ORDER BY started_at DESC, id DESC LIMIT $1', [
      Math.max(1, Math.min(1000, Math.floor(limit))),
    ]);
    return rows.map(toRecord);
  }

  async get(id: string): Promise<ImportRunRecord | null> {
    const [row] = await this.db.query<Row>('SELECT * FROM import_runs WHERE id = $1', [id]);
    return row ? toRecord(row) : null;
  }
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
  };
}
