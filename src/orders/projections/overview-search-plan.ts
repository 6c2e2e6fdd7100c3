import type { SqlDialect, SqlExecutor } from '../../database/sql-database.port.js';
import { OVERVIEW_TABLES } from './overview-schema.js';
import type { SqlParams } from './overview-sql.js';
import { prefixUpperBound } from './search-terms.js';

const { overview: OVERVIEW, search: SEARCH, counters: COUNTERS } = OVERVIEW_TABLES;

/**
 * SQLite counts matches up to this many per word: enough to tell a rare word from a broad one, and a bounded read of
 * the terms' primary key whatever the word (under a millisecond for a broad one). PostgreSQL estimates instead.
 */
export const COUNTED_MATCHES = 10_000;

/**
 * How a search's words are matched. Each planner, left alone, commits to one shape whatever the words: SQLite always
 * starts from the first word's matches (a broad word then reads and sorts most of the table: "martin" on 100 000
 * orders took 30 ms, "c" 300 ms), PostgreSQL walks the list in order probing each row when the words look common (a
 * customer name with a common first name took 80–120 ms). Sizing each word first, in one cheap query (a bounded count
 * on SQLite, the planner's estimate on PostgreSQL), tells which shape fits.
 */
export interface SearchPlan {
  /** The word the query starts from (its orders looked up one by one); null to walk the list in its order instead. */
  readonly driver: string | null;
}

export const NO_SEARCH_PLAN: SearchPlan = { driver: null };

/**
 * Sizes each word's matching terms and picks the rarest as the driver when that costs less than walking.
 * `rowsWanted` is a page's size (a walk stops once it has them), or null for a count, which needs every match.
 *
 * Walking reads about rowsWanted × orders ÷ matches rows, each probed for every word (the words taken as independent);
 * starting from the rarest word reads its matches, each a little dearer than a probe (a lookup, then a sort). Measured
 * on 100 000 orders, SQLite and PostgreSQL: a name matching 1 100 orders, alone 3–7 ms driven against 6–12 ms walked,
 * with a common first name 4–9 ms against 49–122 ms; "martin" (10 000 orders) 1–3 ms walked against 30–46 ms driven.
 */
export async function planSearch(
  db: SqlExecutor,
  words: readonly string[] | undefined,
  rowsWanted: number | null,
): Promise<SearchPlan> {
  if (!words || words.length === 0) return NO_SEARCH_PLAN;
  return chooseDriver(
    words,
    await (db.dialect === 'postgres' ? estimatedMatches : countedMatches)(db, words),
    rowsWanted,
  );
}

/** The decision of `planSearch`, from the words' match counts. */
export function chooseDriver(
  words: readonly string[],
  { orders, matches }: Matches,
  rowsWanted: number | null,
): SearchPlan {
  const rarest = matches.indexOf(Math.min(...matches));
  // A word counted past the bound is broad: never worth starting from.
  if (!(matches[rarest] <= COUNTED_MATCHES)) return NO_SEARCH_PLAN;
  if (rowsWanted === null) return { driver: words[rarest] };
  const expected = matches.reduce((rows, n) => rows * Math.min(1, n / orders), orders);
  const walked = Math.min(orders, (rowsWanted * orders) / Math.max(1, expected));
  return { driver: matches[rarest] <= walked ? words[rarest] : null };
}

export interface Matches {
  /** Orders in the overview (at least 1). */
  readonly orders: number;
  /** Terms each word matches, in the words' order; above COUNTED_MATCHES means "many". */
  readonly matches: number[];
}

/** SQLite: counted in the terms' primary key (it covers the read), up to COUNTED_MATCHES + 1 per word. */
async function countedMatches(db: SqlExecutor, words: readonly string[]): Promise<Matches> {
  const params: string[] = [];
  const counts = words.map((word, i) => {
    params.push(word, prefixUpperBound(word));
    return `(SELECT COUNT(*) FROM (SELECT 1 FROM ${SEARCH} WHERE term >= $${2 * i + 1} AND term < $${2 * i + 2}
              LIMIT ${COUNTED_MATCHES + 1}) m${i}) AS c${i}`;
  });
  const [row] = await db.query<Record<string, number | string | null>>(
    `SELECT (SELECT SUM(orders) FROM ${COUNTERS}) AS orders, ${counts.join(', ')}`,
    params,
  );
  return {
    orders: Math.max(1, Number(row?.orders ?? 0)),
    matches: words.map((_, i) => Number(row?.[`c${i}`] ?? Infinity)),
  };
}

/**
 * PostgreSQL: the planner's own estimates, from its statistics. Counting there reads the table's pages as well as the
 * index until vacuum has marked them all-visible (≈ 20–35 ms for a word matching 10 000 terms, more than the search);
 * an EXPLAIN reads nothing. Each word is one branch of a UNION ALL, after the overview itself, so the plan is always
 * an Append whose branches hold the estimates in order.
 */
async function estimatedMatches(db: SqlExecutor, words: readonly string[]): Promise<Matches> {
  const params: string[] = [];
  const branches = words.map((word, i) => {
    params.push(word, prefixUpperBound(word));
    return `SELECT 1 FROM ${SEARCH} WHERE term >= $${2 * i + 1} AND term < $${2 * i + 2}`;
  });
  const [row] = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${OVERVIEW} UNION ALL ${branches.join(' UNION ALL ')}`,
    params,
  );
  const estimates = (row?.['QUERY PLAN']?.[0]?.Plan?.Plans ?? []).map((plan) => Number(plan['Plan Rows']));
  // Anything unexpected in the plan's shape reads as "many": the list is walked, as before plans existed.
  if (estimates.length !== words.length + 1) return { orders: 1, matches: words.map(() => Infinity) };
  const [orders, ...matches] = estimates;
  return { orders: Math.max(1, orders), matches };
}

interface PlanNode {
  readonly 'Plan Rows': number;
  readonly Plans?: readonly PlanNode[];
}

/**
 * What the query does with the matches: a page stops at its limit, so words other than the driver are probed on the
 * rows it walks; a count needs every match, so they are semi-joined as a whole.
 */
export type SearchUse = 'page' | 'count';

/** Builds the condition of one search word over `order_overview`, as the plan says. */
export type SearchCondition = (word: string, params: SqlParams) => string;

export function searchCondition(plan: SearchPlan, dialect: SqlDialect, use: SearchUse): SearchCondition {
  return (word, params) => {
    const from = params.add(word);
    const to = params.add(prefixUpperBound(word));
    const range = `term >= ${from} AND term < ${to}`;
    if (word === plan.driver) {
      // PostgreSQL plans `IN (subquery)` as a join it may still run from the overview's side; an array computed once
      // (an InitPlan) is looked up through the primary key. SQLite already starts from an IN list.
      return dialect === 'postgres'
        ? `stream = ANY (ARRAY(SELECT stream FROM ${SEARCH} WHERE ${range}))`
        : `stream IN (SELECT stream FROM ${SEARCH} WHERE ${range})`;
    }
    if (use === 'page') {
      return `EXISTS (SELECT 1 FROM ${SEARCH} s WHERE s.stream = ${OVERVIEW}.stream AND s.term >= ${from} AND s.term < ${to})`;
    }
    return `stream IN (SELECT stream FROM ${SEARCH} WHERE ${range})`;
  };
}
