import { OrderDomainError } from './order-domain-error.js';

/**
 * Time arrives in commands as ISO 8601 strings (the domain owns no clock). These helpers keep the arithmetic in one
 * place and turn a malformed timestamp into a typed error instead of a silent NaN that would poison comparisons.
 */

// Date and time with an offset. `Date.parse` alone is not enough: it reads a time without offset in the host's zone
// (so the same command would decide differently on another machine), and rolls impossible dates over (Feb 30 → Mar 2).
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/i;

/** Milliseconds of a date-time that carries its offset and exists on the calendar; null for anything else. */
export function parseIsoInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = ISO_INSTANT.exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone, sign, offsetHours, offsetMinutes] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  // ISO 8601 allows 24:00 for the end of a day, and only exactly 24:00.
  const endOfDay = h === 24 && mi === 0 && s === 0 && /^0*$/.test(fraction);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || (h > 23 && !endOfDay) || mi > 59 || s > 59) return null;
  let offset = 0;
  if (zone.toUpperCase() !== 'Z') {
    if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return null;
    offset = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes));
  }
  const millis = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, millis) - offset * 60_000;
  // Date.UTC maps years 0–99 to 1900–1999; such dates are not what anyone sent us.
  return y < 100 || Number.isNaN(new Date(ms).getTime()) ? null : ms;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function parseInstant(value: string, field = 'now'): number {
  const ms = parseIsoInstant(value);
  if (ms === null)
    throw new OrderDomainError(
      'INVALID_TIMESTAMP',
      `${field} is not an ISO 8601 timestamp with an offset: ${String(value)}`,
    );
  return ms;
}

/** Canonical form stored in events, so equal instants written with different offsets compare equal. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function addSeconds(ms: number, seconds: number): number {
  return ms + seconds * 1000;
}

/**
 * Calendar months back, as the plugins' "older than 3 months" rule reads them (PHP's `DateTime::diff` in months, not a
 * fixed 90 days). A day the target month lacks becomes its last day: three months before May 31 is Feb 28 (29), not
 * "Feb 31" rolled over to Mar 3, which would call a two-month-old order three months old. In UTC.
 */
export function subtractMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() - months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(date.getUTCDate(), lastDay),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds(),
  );
}

/** Lenient variant for data coming from Lengow: null when absent or unreadable. */
export function tryParseInstant(value: string | null | undefined): number | null {
  return parseIsoInstant(value);
}
