import { parseIsoInstant } from '../../common/iso-instant.js';
import { OrderDomainError } from './order-domain-error.js';

/**
 * Time arrives in commands as ISO 8601 strings (the domain owns no clock). These helpers keep the arithmetic in one
 * place and turn a malformed timestamp into a typed error instead of a silent NaN that would poison comparisons.
 */

export { parseIsoInstant } from '../../common/iso-instant.js';

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
