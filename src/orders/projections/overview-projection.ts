import { LruMap } from '../../common/lru-map.js';
import type { SqlExecutor, SqlParam } from '../../database/sql-database.port.js';
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
/** 3: stock_state and stock_messages ("stock not decremented" after a shortfall). */
/** 4: stock_failure_code (a shortfall, or products the shop catalogue no longer has: what the operator must fix). */
/**
 * 5: `refunding` closes the order; shop changes carry the merchant's reason; a refund of some lines counts as done at
 * `partial_refunded`.
 */
/** 6: Lengow's statuses shown with control characters escaped and bounded (PostgreSQL text refuses NUL). */
export const ORDER_OVERVIEW_VERSION = 6;
export const ORDER_STREAM_PREFIX = 'order-';

export interface OrderOverviewProjectionOptions {
  /** Labels stored next to marketplace codes; must be deterministic (see marketplace-label.ts). */
  marketplaceLabel?: MarketplaceLabeler;
  /** Streams whose last written fold is kept in memory (default FOLD_CACHE_STREAMS). */
  foldCacheStreams?: number;
}

/**
 * Streams whose fold stays in memory between batches (measured: about 2.5 KB of heap each with what is derived from
 * it, so some 5 MB when full). A paced import run appends an order's next events (shop orders, stock, merchant order
 * ids) within a few pages of its import, so they land a few hundred orders further down the log, however far this
 * projection lags. Before the pace, a run appended them in phases a whole run apart, and 1 024 streams left three
 * quarters of a 5 000-order import reading their fold back; 8 192 measured no faster than this since.
 */
export const FOLD_CACHE_STREAMS = 2048;

/** Streams read per SELECT when a batch needs folds that are not cached. */
const LOAD_CHUNK = 500;

/**
 * The order overview read model: one row per order stream in `order_overview` (+ its shop order ids, search terms
 * and the `order_counters` totals), computed by folding the stream through the domain (`upcast` → `evolve` →
 * `summariseOrder`).
 *
 * Each stream's folded state is kept in `order_overview_states` with the revision it reached, so events are applied
 * by folding them onto that state: no stream re-read. A batch (`applyBatch`) folds each stream it touches in memory
 * and writes it once: the state, the overview columns that changed, the side tables when they changed, and the
 * counters once per bucket at the end. The revision guards every write — an event at or below the stored revision
 * (a replay, an overlapping instance) changes nothing — and the counters move by the difference between the row
 * before the batch and after, so they stay equal to a GROUP BY over the rows. `apply` is the same code on a batch
 * of one event, so the two cannot disagree.
 */
export function orderOverviewProjection(options: OrderOverviewProjectionOptions = {}): Projection<OverviewTableBase> {
  const label = options.marketplaceLabel ?? marketplaceLabel;
  const folds = new FoldCache(options.foldCacheStreams ?? FOLD_CACHE_STREAMS);
  const applyAll = (events: readonly RecordedEvent[], tx: SqlExecutor, tables: OverviewTables) =>
    applyOverviewEvents(events, tx, tables, folds, label);
  return {
    name: ORDER_OVERVIEW_PROJECTION,
    version: ORDER_OVERVIEW_VERSION,
    tables: Object.values(OVERVIEW_TABLES),
    filter: { streamPrefixes: [ORDER_STREAM_PREFIX] },
    setup: (tx, tables) => {
      // Tables are set up when created or reopened; a generation number freed by a discarded rebuild can come back,
      // so nothing cached under these names is kept.
      folds.forgetTable(tables.order_overview_states);
      return createOverviewSchema(tx, tables);
    },
    apply: (event, tx, tables) => applyAll([event], tx, tables),
    applyBatch: applyAll,
  };
}

/** A fold as stored, with what is derived from it (derived once: the next batch diffs against it). */
interface KnownFold {
  readonly fold: OverviewFold;
  readonly row: OrderOverview | null;
  /** The row's SQL parameters and search terms; null when there is no row. */
  readonly encoded: SqlParam[] | null;
  readonly terms: string[] | null;
}

function knownFold(fold: OverviewFold, label: MarketplaceLabeler, previous: KnownFold | null = null): KnownFold {
  const row = overviewOf(fold, label);
  if (!row) return { fold, row, encoded: null, terms: null };
  // Terms come from three fields, which most events leave alone: the previous row's terms then still hold.
  const before = previous?.row;
  const sameTerms =
    before &&
    before.marketplaceOrderId === row.marketplaceOrderId &&
    before.customerName === row.customerName &&
    sameList(before.shopOrderIds, row.shopOrderIds);
  return { fold, row, encoded: encodeOverview(row), terms: sameTerms ? previous.terms : searchTermsOf(row) };
}

function foldCacheKey(statesTable: string, stream: string): string {
  return `${statesTable}\u0000${stream}`;
}

/**
 * Folds this projection wrote, across batches and transactions, so the next events of a stream fold on without
 * reading the row back. Keyed by the physical states table and the stream (two generations live side by side during
 * a rebuild), bounded (least recently written out first).
 *
 * An entry is trusted only for the event right after it (`revision === event.revision - 1`). A fold's content depends
 * only on the stream's events, so a fold at revision r is right for revision r wherever it came from; what the check
 * adds is that the table holds that revision too. Entries are written before the batch commits, so a rolled-back
 * batch leaves entries ahead of the table — but the runner then re-delivers from the committed checkpoint, so the
 * stream's next event is the one right after the *stored* revision, which finds the entry too far ahead and reads
 * the row instead. A guarded write that changed nothing (the table was ahead) drops the entry.
 */
class FoldCache extends LruMap<string, KnownFold> {
  forgetTable(statesTable: string): void {
    const prefix = foldCacheKey(statesTable, '');
    for (const key of [...this.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }
}

interface TouchedStream {
  /** The stored fold at the start of the batch; null for a stream with no fold yet. */
  start: KnownFold | null;
  /** The fold after the batch's events so far. */
  current: OverviewFold | null;
}

async function applyOverviewEvents(
  events: readonly RecordedEvent[],
  tx: SqlExecutor,
  tables: OverviewTables,
  folds: FoldCache,
  label: MarketplaceLabeler,
): Promise<void> {
  const cacheKey = (stream: string) => foldCacheKey(tables.order_overview_states, stream);
  // Where each stream starts: the cached fold when it is the one right before the stream's first event, else the row.
  const touched = new Map<string, TouchedStream>();
  const toLoad: string[] = [];
  for (const event of events) {
    if (touched.has(event.stream)) continue;
    const cached = folds.get(cacheKey(event.stream));
    if (cached && cached.fold.revision === event.revision - 1) {
      touched.set(event.stream, { start: cached, current: cached.fold });
    } else {
      touched.set(event.stream, { start: null, current: null });
      toLoad.push(event.stream);
    }
  }
  for (const fold of await loadFolds(tx, tables, toLoad)) {
    touched.set(fold.stream, { start: knownFold(fold, label), current: fold });
  }

  for (const event of events) {
    const stream = touched.get(event.stream)!;
    if (stream.current && stream.current.revision >= event.revision) continue;
    stream.current = foldRecordedEvent(stream.current ?? initialOverviewFold(event.stream), event);
  }

  const counters = new CounterDeltas();
  for (const [name, { start, current }] of touched) {
    if (!current || current === start?.fold) continue;
    const changed = await writeFold(tx, tables, current, start !== null);
    if (changed === 0) {
      folds.delete(cacheKey(name));
      continue;
    }
    const next = knownFold(current, label, start);
    folds.set(cacheKey(name), next);
    if (!next.row) continue;
    await writeOverview(tx, tables, start, next);
    await writeSideTables(tx, tables, start, next);
    counters.move(start?.row ?? null, next.row);
  }
  await counters.write(tx, tables);
}

/**
 * The guarded write of a stream's fold; returns the rows changed (0: the table was at or past this revision). A
 * stream that had a row at the start of the batch is updated in place, which spares SQLite the INSERT half of an
 * upsert (a record of a few KB built, then discarded on the conflict); the upsert still covers a row that is gone.
 */
async function writeFold(
  tx: SqlExecutor,
  tables: OverviewTables,
  fold: OverviewFold,
  hadRow: boolean,
): Promise<number> {
  const params = [fold.stream, fold.revision, JSON.stringify(fold)];
  if (hadRow) {
    const updated = await tx.execute(
      `UPDATE ${tables.order_overview_states} SET revision = $2, fold = $3 WHERE stream = $1 AND revision < $2`,
      params,
    );
    if (updated > 0) return updated;
  }
  return tx.execute(
    `INSERT INTO ${tables.order_overview_states} (stream, revision, fold) VALUES ($1, $2, $3)
     ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, fold = excluded.fold
       WHERE ${tables.order_overview_states}.revision < excluded.revision`,
    params,
  );
}

async function loadFolds(tx: SqlExecutor, tables: OverviewTables, streams: readonly string[]): Promise<OverviewFold[]> {
  const folds: OverviewFold[] = [];
  for (let from = 0; from < streams.length; from += LOAD_CHUNK) {
    const chunk = streams.slice(from, from + LOAD_CHUNK);
    const rows = await tx.query<{ fold: string }>(
      `SELECT fold FROM ${tables.order_overview_states} WHERE stream IN (${placeholders(chunk.length)})`,
      chunk,
    );
    // The fold is written only by this projection; JSON.parse failing here means the table was edited by hand, and
    // the batch fails (the runner records it) rather than guessing: a rebuild restores it.
    for (const row of rows) folds.push(JSON.parse(row.fold) as OverviewFold);
  }
  return folds;
}

const STREAM_INDEX = OVERVIEW_COLUMNS.findIndex((c) => c.column === 'stream');
const OVERVIEW_VALUES = placeholders(OVERVIEW_COLUMNS.length);
const UPSERT_SET = OVERVIEW_COLUMNS.filter((c) => c.column !== 'stream')
  .map((c) => `${c.column} = excluded.${c.column}`)
  .join(', ');

/**
 * Writes the stream's row. A row that existed at the start of the batch gets an UPDATE of only the columns that
 * differ from it: SQLite rewrites an index entry only when the UPDATE's SET names one of the index's columns, and
 * `order_overview` has seven secondary indexes, which an upsert setting every column rewrote on every event. The row
 * compared with is the one this projection derived from the batch's starting fold (the drift check verifies that
 * they agree); when that UPDATE finds no row, the full upsert restores it.
 */
async function writeOverview(
  tx: SqlExecutor,
  tables: OverviewTables,
  previous: KnownFold | null,
  next: KnownFold,
): Promise<void> {
  const values = next.encoded!;
  const before = previous?.encoded;
  const changed: number[] = [];
  for (let i = 0; before && i < values.length; i++) {
    if (i !== STREAM_INDEX && !Object.is(before[i], values[i])) changed.push(i);
  }
  if (changed.length > 0) {
    const stream = values[STREAM_INDEX]!;
    const params = [stream, ...changed.map((index) => values[index] ?? null)];
    if ((await tx.execute(overviewUpdate(tables.order_overview, changed), params)) > 0) return;
  }
  await tx.execute(
    `INSERT INTO ${tables.order_overview} (${OVERVIEW_COLUMN_LIST}) VALUES (${OVERVIEW_VALUES})
     ON CONFLICT (stream) DO UPDATE SET ${UPSERT_SET}`,
    values,
  );
}

const updates = new Map<string, string>();

/** The UPDATE per table and set of changed columns, built once (the same string also keys the statement cache). */
function overviewUpdate(table: string, changed: readonly number[]): string {
  const key = `${table}\u0000${changed.join(',')}`;
  let sql = updates.get(key);
  if (sql === undefined) {
    const set = changed.map((index, i) => `${OVERVIEW_COLUMNS[index]!.column} = $${i + 2}`).join(', ');
    sql = `UPDATE ${table} SET ${set} WHERE stream = $1`;
    // Bounded: column sets repeat (a few dozen in practice), tables change only with a rebuild.
    if (updates.size >= 1000) updates.clear();
    updates.set(key, sql);
  }
  return sql;
}

/**
 * The shop order ids and search terms: rows that are no longer the stream's are deleted, new ones inserted, the rest
 * left alone (a shop order id arriving adds its terms; the order id's and customer's stay).
 */
async function writeSideTables(
  tx: SqlExecutor,
  tables: OverviewTables,
  previous: KnownFold | null,
  next: KnownFold,
): Promise<void> {
  const stream = next.fold.stream;
  await replaceSet(
    tx,
    { table: tables.order_overview_shop_orders, column: 'shop_order_id', stream },
    previous?.row?.shopOrderIds ?? [],
    next.row!.shopOrderIds,
  );
  await replaceSet(
    tx,
    { table: tables.order_overview_search, column: 'term', stream },
    previous?.terms ?? [],
    next.terms!,
  );
}

async function replaceSet(
  tx: SqlExecutor,
  target: { table: string; column: string; stream: string },
  before: readonly string[],
  after: readonly string[],
): Promise<void> {
  const { table, column, stream } = target;
  const kept = new Set(after);
  const removed = before.filter((value) => !kept.has(value));
  const old = new Set(before);
  const added = [...new Set(after)].filter((value) => !old.has(value));
  if (removed.length > 0) {
    await tx.execute(
      `DELETE FROM ${table} WHERE stream = $1 AND ${column} IN (${removed.map((_, i) => `$${i + 2}`).join(', ')})`,
      [stream, ...removed],
    );
  }
  if (added.length > 0) {
    // DO NOTHING: a row already there (the table was written by hand, or before a crash that the fold missed) is
    // what this write wants anyway.
    const rows = added.map((_, i) => `($1, $${i + 2})`).join(', ');
    await tx.execute(`INSERT INTO ${table} (stream, ${column}) VALUES ${rows} ON CONFLICT DO NOTHING`, [
      stream,
      ...added,
    ]);
  }
}

/** The counters' key of a row; an unknown Lengow status counts under ''. */
export function counterKey(row: OrderOverview): [string, string, string, string, string] {
  return [row.marketplace, row.lengowStatus ?? '', row.importState, row.actionState, row.progress];
}

const KEY_MATCH =
  'marketplace = $1 AND lengow_status = $2 AND import_state = $3 AND action_state = $4 AND progress = $5';

/**
 * The counters' moves of one batch, summed per bucket and written once per bucket at the end: a batch touches a few
 * buckets many times. Written in key order, so two transactions touching the same buckets lock them in one order.
 */
class CounterDeltas {
  private readonly deltas = new Map<string, { key: string[]; delta: number }>();

  move(previous: OrderOverview | null, next: OrderOverview): void {
    const to = counterKey(next);
    if (previous) {
      const from = counterKey(previous);
      if (sameList(from, to)) return;
      this.add(from, -1);
    }
    this.add(to, 1);
  }

  async write(tx: SqlExecutor, tables: OverviewTables): Promise<void> {
    const buckets = [...this.deltas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, { key, delta }] of buckets) {
      if (delta > 0) {
        await tx.execute(
          `INSERT INTO ${tables.order_counters} (marketplace, lengow_status, import_state, action_state, progress, orders)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (marketplace, lengow_status, import_state, action_state, progress)
             DO UPDATE SET orders = ${tables.order_counters}.orders + excluded.orders`,
          [...key, delta],
        );
      } else if (delta < 0) {
        await tx.execute(`UPDATE ${tables.order_counters} SET orders = orders + $6 WHERE ${KEY_MATCH}`, [
          ...key,
          delta,
        ]);
        // Empty buckets are removed, so a rebuild and the live table hold exactly the same rows.
        await tx.execute(`DELETE FROM ${tables.order_counters} WHERE ${KEY_MATCH} AND orders <= 0`, key);
      }
    }
  }

  private add(key: string[], delta: number): void {
    const id = key.join('\u0000');
    const entry = this.deltas.get(id);
    if (entry) entry.delta += delta;
    else this.deltas.set(id, { key, delta });
  }
}

function placeholders(count: number): string {
  return Array.from({ length: count }, (_, i) => `$${i + 1}`).join(', ');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
