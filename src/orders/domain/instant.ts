import { OrderDomainError } from './order-domain-error.js';

/**
 * Time arrives in commands as ISO 8601 strings (the domain owns no clock). These helpers keep the arithmetic in one
 * place and turn a malformed timestamp into a typed error instead of a silent NaN that would poison comparisons.
 */
export function parseInstant(value: string, field = 'now'): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new OrderDomainError('INVALID_TIMESTAMP', `${field} is not a valid ISO 8601 timestamp: ${String(value)}`);
  return ms;
}

/** Canonical form stored in events, so equal instants written with different offsets compare equal. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function addSeconds(ms: number, seconds: number): number {
  return ms + seconds * 1000;
}

/** Calendar months, as the plugins' "older than 3 months" rule reads (not a fixed 90 days). */
export function subtractMonths(ms: number, months: number): number {
  const date = new Date(ms);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.getTime();
}

/** Lenient variant for data coming from Lengow: null when absent or unreadable. */
export function tryParseInstant(value: string | null | undefined): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
