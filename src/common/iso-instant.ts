// `Date.parse` alone is not enough for input: it reads a time without offset in the host's zone (so the same request
// would mean another instant on another machine), and rolls impossible dates over (Feb 30 → Mar 2).
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/i;
// What Lengow's payloads may hold besides: a space for the `T`, an offset written `+0200` or `+02`, or none (UTC).
const LENGOW_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)?)?$/i;

export interface IsoInstantOptions {
  /** Also accept a bare date (`2025-03-10`), read as that day's start in UTC. */
  dateOnly?: boolean;
  /**
   * Read a date as Lengow may write it: a bare date, a space for the `T`, `+0200` or `+02`, and no offset meaning UTC
   * (the API's timestamps end in `Z`). Not for what people type: there a time without offset means nothing certain.
   */
  lengow?: boolean;
}

/**
 * Milliseconds of an ISO 8601 date-time that carries its offset and exists on the calendar (or of a bare date, when
 * allowed); null for anything else.
 */
export function parseIsoInstant(value: unknown, options: IsoInstantOptions = {}): number | null {
  if (typeof value !== 'string') return null;
  const utc = parseUtcTimestamp(value);
  if (utc !== undefined) return utc;
  const match = (options.lengow ? LENGOW_DATE : ISO_INSTANT).exec(value);
  if (!match) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone, sign, offsetHours, offsetMinutes] = match;
  if (hour === undefined && !options.dateOnly && !options.lengow) return null;
  const [y, mo, d, h, mi, s] = [year, month, day, hour ?? '0', minute ?? '0', second].map(Number);
  // ISO 8601 allows 24:00 for the end of a day, and only exactly 24:00.
  const endOfDay = h === 24 && mi === 0 && s === 0 && /^0*$/.test(fraction);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || (h > 23 && !endOfDay) || mi > 59 || s > 59) return null;
  let offset = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const [hours, minutes] = [Number(offsetHours), Number(offsetMinutes ?? '0')];
    if (hours > 23 || minutes > 59) return null;
    offset = (sign === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, millis) - offset * 60_000;
  // Date.UTC maps years 0–99 to 1900–1999; such dates are not what anyone sent us.
  return y < 100 || Number.isNaN(new Date(ms).getTime()) ? null : ms;
}

/** Whether the text has the shape of an ISO 8601 date(-time), whatever its values: to tell "no such day" from "not a date". */
export function looksLikeIsoDate(value: unknown): boolean {
  return typeof value === 'string' && ISO_INSTANT.test(value);
}

// The form the engine and Lengow write almost always (UTC, `Z`) is checked by position and read by `Date.parse`: 4–5×
// cheaper than the field-by-field path, and an order's import reads ≈ 30 such timestamps.
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?Z$/;

/**
 * Milliseconds of a `…Z` timestamp whose fields exist on the calendar; undefined for any other text (including
 * 24:00, which the general path reads), so a caller can fall back to it.
 */
export function parseUtcTimestamp(text: string): number | undefined {
  if (!UTC_TIMESTAMP.test(text)) return undefined;
  const two = (at: number) => (text.charCodeAt(at) - 48) * 10 + (text.charCodeAt(at + 1) - 48);
  const year = two(0) * 100 + two(2);
  const month = two(5);
  const day = two(8);
  const second = text.charCodeAt(16) === 58 ? two(17) : 0;
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (two(11) > 23 || two(14) > 59 || second > 59) return undefined;
  return Date.parse(text);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
