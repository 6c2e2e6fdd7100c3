import type { SqlExecutor, SqlParam } from '../../database/sql-database.port.js';

/** `$<from>, $<from+1>, …` for an IN list of `count` values. */
export function placeholders(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');
}

/**
 * `items` lengthened to the next power of two by repeating its last item, which changes no IN list's answer. Every
 * distinct SQL text stays prepared in the connection's statement cache for the process's lifetime, so IN lists of
 * every length up to a chunk would add a statement per length met; in powers of two they add at most ten.
 */
export function padded<T>(items: readonly T[]): T[] {
  if (items.length === 0) return [];
  let size = 1;
  while (size < items.length) size *= 2;
  const out = [...items];
  while (out.length < size) out.push(items[items.length - 1]);
  return out;
}

/** Splits a list so that IN lists stay far below both dialects' bound-parameter limits. */
export function chunks<T>(items: T[], size = 400): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Serialises transactions that take the same named lock, until commit. PostgreSQL only: there, concurrent
 * transactions from other connections or processes run in parallel. SQLite transactions start with BEGIN IMMEDIATE,
 * which already admits one writer at a time. The schema is part of the name so that isolated schemas (tests, tenants)
 * do not wait on each other.
 */
export async function serialise(tx: SqlExecutor, name: string): Promise<void> {
  if (tx.dialect !== 'postgres') return;
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || $1)) AS locked`, [name]);
}

/** ` FOR UPDATE` on PostgreSQL, so a read-then-write on a row is not raced by another connection; nothing on SQLite. */
export function forUpdate(tx: SqlExecutor): string {
  return tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
}

export const bool = (value: boolean): SqlParam => (value ? 1 : 0);
