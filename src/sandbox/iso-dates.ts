/**
 * Date handling for the wire: Lengow writes ISO 8601 with an offset, and clients send the same, URL-encoded.
 */

export type IsoStyle = 'seconds-z' | 'micro-z' | 'offset-utc' | 'offset-paris';

/** Formats an instant the way the given marketplace feed writes it (the samples mix `Z`, `+00:00` and microseconds). */
export function formatIso(ms: number, style: IsoStyle = 'micro-z'): string {
  const date = new Date(ms);
  const base = date.toISOString(); // 2024-05-02T09:15:00.123Z
  switch (style) {
    case 'micro-z':
      return `${base.slice(0, 23)}000Z`;
    case 'seconds-z':
      return `${base.slice(0, 19)}Z`;
    case 'offset-utc':
      return `${base.slice(0, 19)}+00:00`;
    case 'offset-paris': {
      // A fixed +02:00 rather than real Paris time: what matters is that clients honour the offset.
      const shifted = new Date(ms + 2 * 3600_000).toISOString();
      return `${shifted.slice(0, 19)}+02:00`;
    }
  }
}

export class DateParameterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A `+` sent raw in a query string decodes to a space: `…T10:00:00 02:00`. */
const SPACE_FOR_PLUS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) (\d{2}:?\d{2})$/;

export interface ParsedDate {
  ms: number;
  /** True when a space had to be read back as the `+` of an offset. */
  repairedPlus: boolean;
}

/**
 * Parses a date filter. A datetime must carry an offset (`Z`, `+02:00`, `+0200`); a space where the `+` of the offset
 * belongs is read as `+`, because a space can never be valid there and the intent is unambiguous. A bare date means
 * the start of that day in UTC, or its end when `endOfDay` is set (for `_to` bounds).
 */
export function parseDateParameter(parameter: string, raw: string, endOfDay = false): ParsedDate {
  let repairedPlus = false;
  let text = raw;
  const spaced = SPACE_FOR_PLUS.exec(text);
  if (spaced) {
    text = `${spaced[1]}+${spaced[2]}`;
    repairedPlus = true;
  }
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const ms = Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3]));
    if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(dateOnly[3])) {
      throw new DateParameterError(parameter, `${parameter}: "${raw}" is not a valid date`);
    }
    return { ms: endOfDay ? ms + 86_400_000 - 1 : ms, repairedPlus };
  }
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match) {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) {
      throw new DateParameterError(
        parameter,
        `${parameter}: "${raw}" has no UTC offset; send e.g. 2024-05-01T10:00:00+02:00 (URL-encode the + as %2B)`,
      );
    }
    throw new DateParameterError(parameter, `${parameter}: "${raw}" is not an ISO 8601 date with offset`);
  }
  const [, y, mo, d, h, mi, s = '0', fraction = '0', offset] = match;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  if (
    fields[1] < 1 ||
    fields[1] > 12 ||
    fields[2] < 1 ||
    fields[2] > 31 ||
    fields[3] > 23 ||
    fields[4] > 59 ||
    fields[5] > 59
  ) {
    throw new DateParameterError(parameter, `${parameter}: "${raw}" is out of range`);
  }
  const local = Date.UTC(
    fields[0],
    fields[1] - 1,
    fields[2],
    fields[3],
    fields[4],
    fields[5],
    Math.floor(Number(`0.${fraction}`) * 1000),
  );
  if (new Date(local).getUTCDate() !== fields[2])
    throw new DateParameterError(parameter, `${parameter}: "${raw}" is not a valid date`);
  let offsetMinutes = 0;
  if (offset.toUpperCase() !== 'Z') {
    const digits = offset.replace(':', '');
    const sign = digits[0] === '-' ? -1 : 1;
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 14 || minutes > 59)
      throw new DateParameterError(parameter, `${parameter}: "${raw}" has an invalid offset`);
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  return { ms: local - offsetMinutes * 60_000, repairedPlus };
}
