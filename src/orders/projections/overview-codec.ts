import type { SqlParam } from '../../database/sql-database.port.js';
import { OVERVIEW_COLUMNS, type OrderOverview } from './order-overview.js';

/** `col1, col2, …` in table order. */
export const OVERVIEW_COLUMN_LIST = OVERVIEW_COLUMNS.map((c) => c.column).join(', ');

/**
 * SQL parameters of a row, in OVERVIEW_COLUMNS order: lists as JSON text, the rest as they are but for NUL characters
 * (U+0000), which are dropped: a marketplace can send one in a name, the event log keeps it (JSON escapes it), but
 * PostgreSQL's text columns refuse it, and one such order would stop the projection for every order after it.
 */
export function encodeOverview(overview: OrderOverview): SqlParam[] {
  return OVERVIEW_COLUMNS.map(({ field, kind }) => {
    const value = overview[field];
    if (kind === 'json') return JSON.stringify(value);
    return typeof value === 'string' ? withoutNul(value) : (value as SqlParam);
  });
}

/** The text without NUL characters (see encodeOverview). */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/**
 * A row as read back, in the API's shape. Tolerant of what the drivers do differently (PostgreSQL's NUMERIC comes
 * back as a string, SQLite may return integers for whole amounts) and of a hand-edited row: unreadable JSON becomes
 * an empty list rather than a crash.
 */
export function decodeOverview(row: Record<string, unknown>): OrderOverview {
  const decoded: Record<string, unknown> = {};
  for (const { field, column, kind } of OVERVIEW_COLUMNS) {
    const value = row[column];
    switch (kind) {
      case 'json':
        decoded[field] = parseList(value);
        break;
      case 'money':
      case 'integer':
        decoded[field] = value === null || value === undefined ? null : Number(value);
        break;
      default:
        decoded[field] = value === undefined ? null : value;
    }
  }
  return decoded as unknown as OrderOverview;
}

function parseList(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
