import type { SqlExecutor } from '../../../database/sql-database.port.js';
import type { EventStore } from '../../../event-store/event-store.port.js';
import { OVERVIEW_COLUMNS, type OrderOverview } from '../order-overview.js';
import { decodeOverview, encodeOverview } from '../overview-codec.js';
import { foldOverview } from '../overview-fold.js';
import { overviewOf } from '../overview-of.js';
import { counterKey, ORDER_STREAM_PREFIX } from '../overview-projection.js';
import { OVERVIEW_TABLES } from '../overview-schema.js';
import { searchTermsOf } from '../search-terms.js';

/** TEST SUPPORT. Every documented table of the overview, read through the views and sorted in JS (collations differ). */
export interface ReadModelSnapshot {
  overview: OrderOverview[];
  shopOrders: string[];
  search: string[];
  counters: string[];
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export async function readModelSnapshot(db: SqlExecutor): Promise<ReadModelSnapshot> {
  const overview = (await db.query<Record<string, unknown>>(`SELECT * FROM ${OVERVIEW_TABLES.overview}`))
    .map(decodeOverview)
    .sort((a, b) => byText(a.stream, b.stream));
  const shopOrders = (
    await db.query<{ stream: string; shop_order_id: string }>(`SELECT * FROM ${OVERVIEW_TABLES.shopOrders}`)
  )
    .map((row) => `${row.stream} ${row.shop_order_id}`)
    .sort(byText);
  const search = (await db.query<{ stream: string; term: string }>(`SELECT * FROM ${OVERVIEW_TABLES.search}`))
    .map((row) => `${row.stream} ${row.term}`)
    .sort(byText);
  const counters = (await db.query<Record<string, unknown>>(`SELECT * FROM ${OVERVIEW_TABLES.counters}`))
    .map((row) =>
      [row.marketplace, row.lengow_status, row.import_state, row.action_state, row.progress, Number(row.orders)].join(
        ' ',
      ),
    )
    .sort(byText);
  return { overview, shopOrders, search, counters };
}

/** What the tables must hold for the store's current content: every order stream folded in memory. */
export async function expectedSnapshot(store: EventStore): Promise<ReadModelSnapshot> {
  const streams = new Map<string, Parameters<typeof foldOverview>[1][number][]>();
  let from: string | null = null;
  for (;;) {
    const events = await store.readAll({ fromPosition: from, maxCount: 1000 });
    if (events.length === 0) break;
    for (const event of events) {
      if (!event.stream.startsWith(ORDER_STREAM_PREFIX)) continue;
      streams.set(event.stream, [...(streams.get(event.stream) ?? []), event]);
    }
    from = events.at(-1)!.position;
  }
  // As stored: through the codec both ways (NUL characters dropped from text, as encodeOverview writes).
  const overview = [...streams].map(([stream, events]) => storedForm(overviewOf(foldOverview(stream, events))!));
  overview.sort((a, b) => byText(a.stream, b.stream));
  const counters = new Map<string, number>();
  for (const row of overview)
    counters.set(counterKey(row).join(' '), (counters.get(counterKey(row).join(' ')) ?? 0) + 1);
  return {
    overview,
    shopOrders: overview.flatMap((row) => row.shopOrderIds.map((id) => `${row.stream} ${id}`)).sort(byText),
    search: overview.flatMap((row) => searchTermsOf(row).map((term) => `${row.stream} ${term}`)).sort(byText),
    counters: [...counters].map(([key, count]) => `${key} ${count}`).sort(byText),
  };
}

function storedForm(row: OrderOverview): OrderOverview {
  const stored: Record<string, unknown> = {};
  encodeOverview(row).forEach((value, index) => (stored[OVERVIEW_COLUMNS[index]!.column] = value));
  return decodeOverview(stored);
}
