import { isDeepStrictEqual } from 'node:util';
import { withoutNul } from '../projections/overview-codec.js';
import {
  OVERVIEW_COLUMNS,
  type ColumnKind,
  type OrderOverview,
  type OverviewField,
} from '../projections/order-overview.js';

/** One field that differs: `live` is what the read model holds, `fresh` what folding the stream gives. */
export interface FieldDifference {
  field: OverviewField | 'shopOrdersTable' | 'fold' | 'row' | 'counter';
  /** The SQL column (or table) it lives in. */
  column: string;
  live: unknown;
  fresh: unknown;
}

/** Compares a row as stored (column → raw value) with the row a fresh fold produces, column by column. */
export function rowDifferences(live: Record<string, unknown>, fresh: OrderOverview): FieldDifference[] {
  const differences: FieldDifference[] = [];
  for (const { field, column, kind } of OVERVIEW_COLUMNS) {
    const stored = normalise(kind, live[column]);
    const value = fresh[field];
    // Stored as encodeOverview writes it: NUL characters dropped from text.
    const expected = normalise(
      kind,
      kind === 'json' ? JSON.stringify(value) : typeof value === 'string' ? withoutNul(value) : value,
    );
    if (!isDeepStrictEqual(stored, expected)) {
      differences.push({ field, column, live: readable(kind, live[column]), fresh: fresh[field] });
    }
  }
  return differences;
}

/** Fields that differ between two overviews of the same order (e.g. before and after an event). */
export function overviewChanges(
  before: OrderOverview | null,
  after: OrderOverview,
  ignore: readonly OverviewField[] = [],
): { field: OverviewField; before: unknown; after: unknown }[] {
  return OVERVIEW_COLUMNS.filter(({ field }) => !ignore.includes(field))
    .filter(({ field }) => !before || !isDeepStrictEqual(before[field], after[field]))
    .map(({ field }) => ({ field, before: before ? before[field] : null, after: after[field] }));
}

/**
 * Drivers return amounts and integers differently (PostgreSQL NUMERIC as '64.8000', SQLite as 64.8), so numbers are
 * compared at the stored precision; JSON columns are compared as text, exactly as written.
 */
function normalise(kind: ColumnKind, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (kind === 'money') return Math.round(Number(value) * 10_000);
  if (kind === 'integer') return Number(value);
  return value;
}

function readable(kind: ColumnKind, value: unknown): unknown {
  if (kind !== 'json' || typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The first path where two JSON values differ, for a short report on large documents such as a folded state. */
export function firstDifference(
  live: unknown,
  fresh: unknown,
  path = '$',
): { path: string; live: unknown; fresh: unknown } | null {
  if (isDeepStrictEqual(live, fresh)) return null;
  const bothObjects =
    typeof live === 'object' &&
    live !== null &&
    typeof fresh === 'object' &&
    fresh !== null &&
    Array.isArray(live) === Array.isArray(fresh);
  if (!bothObjects) return { path, live, fresh };
  const keys = new Set([...Object.keys(live as object), ...Object.keys(fresh as object)]);
  for (const key of keys) {
    const found = firstDifference(
      (live as Record<string, unknown>)[key],
      (fresh as Record<string, unknown>)[key],
      Array.isArray(live) ? `${path}[${key}]` : `${path}.${key}`,
    );
    if (found) return found;
  }
  return { path, live, fresh };
}
