import type { SqlExecutor } from '../../database/sql-database.port.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { Projection } from '../../event-store/projections/projection.js';
import { marketplaceLabel, type MarketplaceLabeler } from './marketplace-label.js';
import type { OrderOverview } from './order-overview.js';
import { encodeOverview, OVERVIEW_COLUMN_LIST } from './overview-codec.js';
import { foldRecordedEvent, initialOverviewFold, type OverviewFold } from './overview-fold.js';
import { overviewOf } from './overview-of.js';
import {
  createOverviewSchema,
  OVERVIEW_TABLES,
  type OverviewTableBase,
  type OverviewTables,
} from './overview-schema.js';
import { OVERVIEW_COLUMNS } from './order-overview.js';
import { searchTermsOf } from './search-terms.js';

export const ORDER_OVERVIEW_PROJECTION = 'order-overview';
/** Bump whenever a row would come out differently from the same events: the runner then rebuilds (blue-green). */
/** 2: order date, customer, country and total of ignored and failed orders, from the order facts of import events. */
export const ORDER_OVERVIEW_VERSION = 2;
export const ORDER_STREAM_PREFIX = 'order-';

export interface OrderOverviewProjectionOptions {
  /** Labels stored next to marketplace codes; must be deterministic (see marketplace-label.ts). */
  marketplaceLabel?: MarketplaceLabeler;
  /** Streams whose last written fold is kept per executor (default FOLD_CACHE_STREAMS). */
  foldCacheStreams?: number;
}

/** Well above the streams one batch touches (the runner's default batch is 200 events). */
export const FOLD_CACHE_STREAMS = 1024;

/**
 * The order overview read model: one row per order stream in `order_overview` (+ its shop order ids, search terms
 * and the `order_counters` totals), computed by folding the stream through the domain (`upcast` → `evolve` →
 * `summariseOrder`).
 *
 * Each stream's folded state is kept in `order_overview_states` with the revision it reached, so an event is applied
 * by folding it onto that state: no stream re-read, one read and a few writes per event. The revision guards every
 * write — an event at or below the stored revision (a replay, an overlapping instance) changes nothing — and the
 * counters move by the difference between the row before and after, so they stay equal to a GROUP BY over the rows.
 */
export function orderOverviewProjection(options: OrderOverviewProjectionOptions = {}): Projection<OverviewTableBase> {
  const label = options.marketplaceLabel ?? marketplaceLabel;
  const capacity = options.foldCacheStreams ?? FOLD_CACHE_STREAMS;
  /**
   * Folds this projection wrote, per executor, so the next event of a stream (a command often appends several) folds
   * on without reading the row back. Executors are one per transaction today, but nothing in the SqlExecutor contract
   * promises it (SQLite's group commit once shared one across transactions), so the cache does not rely on it: it is
   * bounded (least recently written out first), and a fold is trusted only for the event right after it — after a
   * rollback the runner re-delivers that stream's events from the committed checkpoint, which finds the cached fold
   * too far ahead and reads the row instead. A fold's content depends only on the stream's events, so a fold at
   * revision r is right for revision r wherever it came from.
   */
  const written = new WeakMap<SqlExecutor, Map<string, OverviewFold>>();
  return {
    name: ORDER_OVERVIEW_PROJECTION,
    version: ORDER_OVERVIEW_VERSION,
    tables: Object.values(OVERVIEW_TABLES),
    filter: { streamPrefixes: [ORDER_STREAM_PREFIX] },
    setup: (tx, tables) => createOverviewSchema(tx, tables),
    async apply(event: RecordedEvent, tx: SqlExecutor, tables: OverviewTables) {
      let batch = written.get(tx);
      if (!batch) written.set(tx, (batch = new Map()));
      // Keyed by physical table too: nothing stops a transaction from serving two generations.
      const cacheKey = `${tables.order_overview_states}\u0000${event.stream}`;
      const cached = batch.get(cacheKey);
      const stored =
        cached && cached.revision === event.revision - 1 ? cached : await loadFold(tx, tables, event.stream);
      if (stored && stored.revision >= event.revision) return;
      const before = stored ?? initialOverviewFold(event.stream);
      const after = foldRecordedEvent(before, event);
      const changed = await tx.execute(
        `INSERT INTO ${tables.order_overview_states} (stream, revision, fold) VALUES ($1, $2, $3)
         ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, fold = excluded.fold
           WHERE ${tables.order_overview_states}.revision < excluded.revision`,
        [event.stream, event.revision, JSON.stringify(after)],
      );
      if (changed === 0) return;
      batch.delete(cacheKey);
      batch.set(cacheKey, after);
      if (batch.size > capacity) batch.delete(batch.keys().next().value!);
      const previous = stored ? overviewOf(stored, label) : null;
      const next = overviewOf(after, label);
      if (!next) return;
      await writeOverview(tx, tables, next);
      await writeSideTables(tx, tables, previous, next);
      await moveCounters(tx, tables, previous, next);
    },
  };
}

async function loadFold(tx: SqlExecutor, tables: OverviewTables, stream: string): Promise<OverviewFold | null> {
  const [row] = await tx.query<{ revision: number; fold: string }>(
    `SELECT revision, fold FROM ${tables.order_overview_states} WHERE stream = $1`,
    [stream],
  );
  if (!row) return null;
  // The fold is written only by this projection; JSON.parse failing here means the table was edited by hand, and the
  // batch fails (the runner records it) rather than guessing: a rebuild restores it.
  return JSON.parse(row.fold) as OverviewFold;
}

const UPSERT_SET = OVERVIEW_COLUMNS.filter((c) => c.column !== 'stream')
  .map((c) => `${c.column} = excluded.${c.column}`)
  .join(', ');
const PLACEHOLDERS = OVERVIEW_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');

async function writeOverview(tx: SqlExecutor, tables: OverviewTables, row: OrderOverview): Promise<void> {
  await tx.execute(
    `INSERT INTO ${tables.order_overview} (${OVERVIEW_COLUMN_LIST}) VALUES (${PLACEHOLDERS})
     ON CONFLICT (stream) DO UPDATE SET ${UPSERT_SET}`,
    encodeOverview(row),
  );
}

async function writeSideTables(
  tx: SqlExecutor,
  tables: OverviewTables,
  previous: OrderOverview | null,
  next: OrderOverview,
): Promise<void> {
  if (!previous || !sameList(previous.shopOrderIds, next.shopOrderIds)) {
    if (previous) await tx.execute(`DELETE FROM ${tables.order_overview_shop_orders} WHERE stream = $1`, [next.stream]);
    for (const id of next.shopOrderIds) {
      await tx.execute(`INSERT INTO ${tables.order_overview_shop_orders} (stream, shop_order_id) VALUES ($1, $2)`, [
        next.stream,
        id,
      ]);
    }
  }
  const terms = searchTermsOf(next);
  if (!previous || !sameList(searchTermsOf(previous), terms)) {
    if (previous) await tx.execute(`DELETE FROM ${tables.order_overview_search} WHERE stream = $1`, [next.stream]);
    for (const term of terms) {
      await tx.execute(`INSERT INTO ${tables.order_overview_search} (term, stream) VALUES ($1, $2)`, [
        term,
        next.stream,
      ]);
    }
  }
}

/** The counters' key of a row; an unknown Lengow status counts under ''. */
export function counterKey(row: OrderOverview): [string, string, string, string, string] {
  return [row.marketplace, row.lengowStatus ?? '', row.importState, row.actionState, row.progress];
}

const KEY_MATCH =
  'marketplace = $1 AND lengow_status = $2 AND import_state = $3 AND action_state = $4 AND progress = $5';

async function moveCounters(
  tx: SqlExecutor,
  tables: OverviewTables,
  previous: OrderOverview | null,
  next: OrderOverview,
): Promise<void> {
  const to = counterKey(next);
  if (previous) {
    const from = counterKey(previous);
    if (sameList(from, to)) return;
    await tx.execute(`UPDATE ${tables.order_counters} SET orders = orders - 1 WHERE ${KEY_MATCH}`, from);
    // Empty buckets are removed, so a rebuild and the live table hold exactly the same rows.
    await tx.execute(`DELETE FROM ${tables.order_counters} WHERE ${KEY_MATCH} AND orders <= 0`, from);
  }
  await tx.execute(
    `INSERT INTO ${tables.order_counters} (marketplace, lengow_status, import_state, action_state, progress, orders)
     VALUES ($1, $2, $3, $4, $5, 1)
     ON CONFLICT (marketplace, lengow_status, import_state, action_state, progress)
       DO UPDATE SET orders = ${tables.order_counters}.orders + 1`,
    to,
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
