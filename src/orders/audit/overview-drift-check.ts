import type { SqlDatabase, SqlExecutor } from '../../database/sql-database.port.js';
import type { EventStore, GlobalPosition, RecordedEvent } from '../../event-store/event-store.port.js';
import { ProjectionCatalog } from '../../event-store/projections/projection-catalog.js';
import { marketplaceLabel, type MarketplaceLabeler } from '../projections/marketplace-label.js';
import { OVERVIEW_COLUMN_LIST } from '../projections/overview-codec.js';
import { foldOverview } from '../projections/overview-fold.js';
import { overviewOf } from '../projections/overview-of.js';
import { ORDER_OVERVIEW_PROJECTION, ORDER_STREAM_PREFIX } from '../projections/overview-projection.js';
import { OVERVIEW_TABLES } from '../projections/overview-schema.js';
import { firstDifference, rowDifferences, type FieldDifference } from './field-difference.js';
import { readOrderStream } from './read-order-stream.js';

export interface DriftDifference extends FieldDifference {
  /** The order stream; `order_counters` for a counter that disagrees with the rows. */
  stream: string;
}

export type DriftPhase = 'rows' | 'missing_rows' | 'counters' | 'done';

export interface DriftProgress {
  phase: DriftPhase;
  /** Rows compared so far. */
  checked: number;
  /** Rows in the overview when the check started (an estimate while the projection keeps appending). */
  total: number;
  /** Events scanned while looking for streams without a row. */
  scannedEvents: number;
  /** Rows (or counters) with at least one difference so far. */
  drifted: number;
}

export interface DriftCheckOptions {
  /** Rows read and compared per round (default 200). */
  batchSize?: number;
  /** Streams read from the store at once (default 8). */
  concurrency?: number;
  /** Differences kept in the report (default 1 000); every one still goes to `onDifference`. */
  maxDifferences?: number;
  /** Also scan the event log for order streams that have no row (reads every order event once; default true). */
  missingRows?: boolean;
  onProgress?(progress: DriftProgress): void;
  onDifference?(difference: DriftDifference): void;
  signal?: AbortSignal;
}

export interface DriftReport {
  checked: number;
  drifted: number;
  differences: DriftDifference[];
  /** More differences were found than `maxDifferences`. */
  truncated: boolean;
  /** The projection's checkpoint the comparison was made against. */
  checkpoint: GlobalPosition | null;
}

interface JoinedRow extends Record<string, unknown> {
  stream: string;
  fold: string | null;
}

/**
 * Compares the live overview with a fresh fold of every order stream and reports each field that differs (live,
 * fresh), streaming: rows are read in stream order, a batch at a time, and only a bounded list of differences is
 * kept, so it runs on 100 000 orders in constant memory while the engine keeps working.
 *
 * What "fresh" means while the projection keeps applying events: the checkpoint is read before each batch of rows,
 * so every row must reflect at least the stream's events up to that checkpoint. Each row is compared with the fold of
 * exactly those events plus any later ones the row says it applied — a row that is merely newer is not drift, a row
 * that missed or invented an event is.
 */
export class OverviewDriftCheck {
  private readonly catalog = new ProjectionCatalog();

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly label: MarketplaceLabeler = marketplaceLabel,
  ) {}

  async run(options: DriftCheckOptions = {}): Promise<DriftReport> {
    const batchSize = positive(options.batchSize, 200);
    const concurrency = positive(options.concurrency, 8);
    const maxDifferences = Math.max(0, options.maxDifferences ?? 1000);
    const report: DriftReport = { checked: 0, drifted: 0, differences: [], truncated: false, checkpoint: null };
    const progress: DriftProgress = { phase: 'rows', checked: 0, total: 0, scannedEvents: 0, drifted: 0 };
    const notify = () => {
      try {
        options.onProgress?.({ ...progress });
      } catch {
        // A failing progress listener must not abort a long check.
      }
    };
    const record = (stream: string, differences: readonly FieldDifference[]) => {
      if (differences.length === 0) return;
      report.drifted += 1;
      progress.drifted = report.drifted;
      for (const difference of differences) {
        const full = { stream, ...difference };
        options.onDifference?.(full);
        if (report.differences.length < maxDifferences) report.differences.push(full);
        else report.truncated = true;
      }
    };

    const [count] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM ${OVERVIEW_TABLES.overview}`,
    );
    progress.total = Number(count?.n ?? 0);
    notify();

    let after = '';
    for (;;) {
      options.signal?.throwIfAborted();
      const checkpoint = await this.checkpoint();
      report.checkpoint = checkpoint;
      // Rows, their stored folds and their shop order ids from one snapshot, so a row the projection updates
      // meanwhile is never compared half old, half new.
      const { rows, shopOrders } = await this.db.snapshot(async (tx) => {
        const batch = await tx.query<JoinedRow>(
          `SELECT ${OVERVIEW_COLUMN_LIST.split(', ')
            .map((column) => `o.${column}`)
            .join(', ')}, s.fold
             FROM ${OVERVIEW_TABLES.overview} o
             LEFT JOIN ${OVERVIEW_TABLES.states} s ON s.stream = o.stream
            WHERE o.stream > $1 ORDER BY o.stream LIMIT ${batchSize}`,
          [after],
        );
        return {
          rows: batch,
          shopOrders: await shopOrdersOf(
            tx,
            batch.map((row) => row.stream),
          ),
        };
      });
      if (rows.length === 0) break;
      await inPool(rows, concurrency, async (row) => {
        record(row.stream, await this.compare(row, shopOrders.get(row.stream) ?? [], checkpoint));
      });
      report.checked += rows.length;
      progress.checked = report.checked;
      after = rows.at(-1)!.stream;
      notify();
    }

    if (options.missingRows ?? true) {
      progress.phase = 'missing_rows';
      notify();
      await this.findMissingRows(report.checkpoint ?? (await this.checkpoint()), progress, notify, record, options);
    }

    progress.phase = 'counters';
    notify();
    for (const difference of await this.compareCounters()) record('order_counters', [difference]);

    progress.phase = 'done';
    notify();
    return report;
  }

  private async compare(row: JoinedRow, shopOrderRows: string[], checkpoint: GlobalPosition | null) {
    const events = await readOrderStream(this.store, row.stream);
    const liveRevision = Number(row.stream_revision);
    const applied = events.filter(
      (event) => (checkpoint !== null && event.position <= checkpoint) || event.revision <= liveRevision,
    );
    const fold = foldOverview(row.stream, applied);
    const fresh = overviewOf(fold, this.label);
    if (!fresh) return [{ field: 'row' as const, column: OVERVIEW_TABLES.overview, live: 'present', fresh: null }];
    const differences = rowDifferences(row, fresh);
    const expectedIds = [...fresh.shopOrderIds].sort();
    const storedIds = [...shopOrderRows].sort();
    if (expectedIds.join('\u0000') !== storedIds.join('\u0000')) {
      differences.push({
        field: 'shopOrdersTable',
        column: OVERVIEW_TABLES.shopOrders,
        live: storedIds,
        fresh: expectedIds,
      });
    }
    const storedFold = parseJson(row.fold);
    const foldDifference = firstDifference(storedFold, JSON.parse(JSON.stringify(fold)));
    if (foldDifference) {
      differences.push({
        field: 'fold',
        column: `${OVERVIEW_TABLES.states}.fold ${foldDifference.path}`,
        live: shown(foldDifference.live),
        fresh: shown(foldDifference.fresh),
      });
    }
    return differences;
  }

  /** Every order stream's first event up to the checkpoint must have produced a row. */
  private async findMissingRows(
    checkpoint: GlobalPosition | null,
    progress: DriftProgress,
    notify: () => void,
    record: (stream: string, differences: readonly FieldDifference[]) => void,
    options: DriftCheckOptions,
  ): Promise<void> {
    if (checkpoint === null) return;
    let from: GlobalPosition | null = null;
    for (;;) {
      options.signal?.throwIfAborted();
      const events: RecordedEvent[] = await this.store.readAll({
        fromPosition: from,
        maxCount: 1000,
        filter: { streamPrefixes: [ORDER_STREAM_PREFIX] },
      });
      const within = events.filter((event) => event.position <= checkpoint);
      const firsts = within.filter((event) => event.revision === 0).map((event) => event.stream);
      if (firsts.length > 0) {
        const placeholders = firsts.map((_, i) => `$${i + 1}`).join(', ');
        const present = new Set(
          (
            await this.db.query<{ stream: string }>(
              `SELECT stream FROM ${OVERVIEW_TABLES.overview} WHERE stream IN (${placeholders})`,
              firsts,
            )
          ).map((row) => row.stream),
        );
        for (const stream of firsts) {
          if (!present.has(stream)) {
            record(stream, [{ field: 'row', column: OVERVIEW_TABLES.overview, live: null, fresh: 'present' }]);
          }
        }
      }
      progress.scannedEvents += within.length;
      notify();
      if (events.length === 0 || within.length < events.length) return;
      from = events.at(-1)!.position;
    }
  }

  /** `order_counters` against a GROUP BY over the rows, both read in one snapshot. */
  private async compareCounters(): Promise<FieldDifference[]> {
    const [kept, counted] = await this.db.snapshot(async (tx) => {
      const stored = await tx.query<CounterRow>(
        `SELECT marketplace, lengow_status, import_state, action_state, progress, orders FROM ${OVERVIEW_TABLES.counters}`,
      );
      const grouped = await tx.query<CounterRow>(
        `SELECT marketplace, COALESCE(lengow_status, '') AS lengow_status, import_state, action_state, progress,
                COUNT(*) AS orders
           FROM ${OVERVIEW_TABLES.overview}
          GROUP BY marketplace, COALESCE(lengow_status, ''), import_state, action_state, progress`,
      );
      return [stored, grouped] as const;
    });
    const key = (row: CounterRow) =>
      [row.marketplace, row.lengow_status, row.import_state, row.action_state, row.progress].join('/');
    const live = new Map(kept.map((row) => [key(row), Number(row.orders)]));
    const fresh = new Map(counted.map((row) => [key(row), Number(row.orders)]));
    const differences: FieldDifference[] = [];
    for (const bucket of new Set([...live.keys(), ...fresh.keys()])) {
      const stored = live.get(bucket) ?? 0;
      const expected = fresh.get(bucket) ?? 0;
      if (stored !== expected) {
        differences.push({
          field: 'counter',
          column: `${OVERVIEW_TABLES.counters}[${bucket}]`,
          live: stored,
          fresh: expected,
        });
      }
    }
    return differences;
  }

  private async checkpoint(): Promise<GlobalPosition | null> {
    const row = await this.catalog.checkpoint(this.db, ORDER_OVERVIEW_PROJECTION).catch(() => undefined);
    return row?.position ?? null;
  }
}

async function shopOrdersOf(tx: SqlExecutor, streams: readonly string[]): Promise<Map<string, string[]>> {
  const byStream = new Map<string, string[]>();
  if (streams.length === 0) return byStream;
  const placeholders = streams.map((_, i) => `$${i + 1}`).join(', ');
  const rows = await tx.query<{ stream: string; shop_order_id: string }>(
    `SELECT stream, shop_order_id FROM ${OVERVIEW_TABLES.shopOrders} WHERE stream IN (${placeholders})`,
    [...streams],
  );
  for (const row of rows) byStream.set(row.stream, [...(byStream.get(row.stream) ?? []), row.shop_order_id]);
  return byStream;
}

interface CounterRow {
  marketplace: string;
  lengow_status: string;
  import_state: string;
  action_state: string;
  progress: string;
  orders: number | string;
}

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

function parseJson(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function positive(value: number | undefined, fallback: number): number {
  return Number.isInteger(value) && value! > 0 ? value! : fallback;
}

/** A key one side lacks reads as such: shown as null, it looked like no difference at all ("null" against "null"). */
const ABSENT = '(absent)';

function shown(value: unknown): unknown {
  return value === undefined ? ABSENT : value;
}
