/**
 * Value normalisers applied while the raw API JSON is turned into DTO instances. Each one either returns the
 * normalised value or hands back the input untouched, so the validator that follows can name the field that is wrong
 * instead of the transform throwing (a throw would lose the field path).
 */

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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Dates become ISO 8601 UTC strings: they travel in events as JSON, and a `Date` object would be serialised the same
 * way anyway. A timestamp without an offset is taken as UTC, which is what the API means by it (its timestamps end in
 * `Z`), rather than as the host's local time.
 */
export function toIsoDate(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '') return null;
  const match = ISO_DATE.exec(text);
  if (!match) return value;
  const offset = match[1];
  let candidate = text.replace(' ', 'T');
  if (candidate.length > 10 && offset === undefined) candidate += 'Z';
  // JavaScript rejects "+0200" and "+02"; the API and PHP's date('c') both use "+02:00", but be lenient on input.
  else if (offset && /^[+-]\d{4}$/.test(offset))
    candidate = `${candidate.slice(0, -5)}${offset.slice(0, 3)}:${offset.slice(3)}`;
  else if (offset && /^[+-]\d{2}$/.test(offset)) candidate += ':00';
  const date = new Date(candidate);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

export function isIsoDateOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)) && value.endsWith('Z'));
}

/** Scalars become strings (ids are sometimes numbers); objects are left for the validator to reject. */
export function toOptionalString(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value;
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
