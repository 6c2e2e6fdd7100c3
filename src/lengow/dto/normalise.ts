/**
 * Value normalisers applied while the raw API JSON is turned into DTO instances. Each one either returns the
 * normalised value or hands back the input untouched, so the validator that follows can name the field that is wrong
 * instead of the transform throwing (a throw would lose the field path).
 */

import { parseIsoInstant, parseUtcTimestamp } from '../../common/iso-instant.js';

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Lengow money is "decimal or string", and null where a marketplace does not report it. */
export function toMoney(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    // A decimal comma would silently become a different amount with parseFloat, so only a strict decimal is accepted.
    if (DECIMAL.test(text)) return Number(text);
  }
  return value;
}

export function isMoney(value: unknown): boolean {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * Dates become ISO 8601 UTC strings: they travel in events as JSON, and a `Date` object would be serialised the same
 * way anyway. Read as Lengow writes them (`parseIsoInstant`'s `lengow` forms: no offset means UTC, a bare date is that
 * day's start). A date the calendar lacks (Feb 30) is handed back untouched, for the validator to refuse.
 */
export function toIsoDate(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return null;
  const ms = parseIsoInstant(text, { lengow: true });
  return ms === null ? value : new Date(ms).toISOString();
}

const CANONICAL_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Only what `toIsoDate` produces passes: a raw value it handed back (an impossible date) never reaches an event. */
export function isIsoDateOrNull(value: unknown): boolean {
  if (value === null) return true;
  return typeof value === 'string' && CANONICAL_DATE.test(value) && parseUtcTimestamp(value) !== undefined;
}

/** Scalars become strings (ids are sometimes numbers); objects are left for the validator to reject. */
export function toOptionalString(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value;
}

/**
 * An identity is trimmed text; a number stands for its digits only while it is an exact integer (JSON numbers past
 * 2^53 have already lost digits, and `1e+21` is no id). Anything else is left for the validator to name.
 */
export function toIdentityText(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : value;
  return typeof value === 'string' ? value.trim() : value;
}

/** The operator commands' limits (`OrderReferenceDto`): an order they cannot name could never be re-imported. */
export const MAX_MARKETPLACE_LENGTH = 100;
export const MAX_ORDER_ID_LENGTH = 200;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** What makes a value unusable as (part of) an order's identity, as a field message; null when it is usable. */
export function identityProblem(value: unknown, maxLength: number): string | null {
  if (typeof value === 'number')
    return Number.isInteger(value) ? 'is a number too large to be read exactly' : 'is not a string';
  if (typeof value !== 'string') return 'is not a string';
  if (value.length > maxLength) return `is longer than ${maxLength} characters`;
  if (CONTROL_CHARACTER.test(value)) return 'contains control characters';
  return null;
}

/** Integers sometimes arrive as digit strings. */
export function toOptionalInteger(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  return value;
}

export function toOptionalBoolean(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value === 'true' || value === 1 || value === '1') return true;
  if (value === 'false' || value === 0 || value === '0') return false;
  return value;
}

/** `comments` is a string on some channels and a list on others; empty text is no comment. */
export function toStringList(value: unknown): unknown {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) {
    return value
      .map((item) => toOptionalString(item))
      .filter((item) => item !== null && !(typeof item === 'string' && item.trim() === ''));
  }
  return value;
}

/** An `order_types` item given as a bare string is a type without a label. */
export function toOrderType(item: unknown): unknown {
  return typeof item === 'string' ? { type: item, label: null } : item;
}

/** `currency` is `{iso_a3, symbol, name}`; hand-written fixtures use a bare code, which means the same thing. */
export function toCurrency(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? null : { iso_a3: value };
  return value;
}
