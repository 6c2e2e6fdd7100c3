import { InvalidEventStoreInput } from '../event-ids.js';

/** 19 digits hold any positive SQLite rowid (2^63 - 1), so padded positions compare as strings like the numbers. */
const WIDTH = 19;
const POSITION = /^\d{19}$/;

export function formatSqlitePosition(rowid: number | bigint): string {
  return String(rowid).padStart(WIDTH, '0');
}

export function parseSqlitePosition(position: string): bigint {
  if (typeof position !== 'string' || !POSITION.test(position)) {
    throw new InvalidEventStoreInput('not a position of the SQLite event store (19 digits expected)');
  }
  return BigInt(position);
}
