import { DateParameterError, parseDateParameter } from './iso-dates.js';
import { SandboxError } from './sandbox-state.js';

/**
 * Request input as the sandbox sees it: query strings and form bodies parsed with URLSearchParams (so `+` means a
 * space, as in any form encoding), repeated fields kept visible so they can be refused, other bodies passed through.
 */

export type QueryValues = Record<string, string | string[]>;

export function parseQueryString(raw: string): QueryValues {
  const out: QueryValues = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else out[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** A parsed `application/x-www-form-urlencoded` body. */
export class FormBody {
  constructor(readonly fields: QueryValues) {}
}

/** A body whose content type the sandbox does not read; routes answer it with a precise 400. */
export class UnsupportedBody {
  constructor(readonly contentType: string) {}
}

export function badRequest(message: string): SandboxError {
  return new SandboxError(400, message);
}

/** One value of a field that must not be repeated; undefined when absent. */
export function single(values: QueryValues, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) throw badRequest(`${name} was given ${value.length} times; send it once`);
  return value;
}

export function positiveInt(values: QueryValues, name: string, fallback: number): number {
  const raw = single(values, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`${name} must be a positive integer, got "${raw}"`);
  return Number(raw);
}

/** A date filter, with its canonical text for echoing into `next`/`previous` links. */
export function dateParam(
  values: QueryValues,
  name: string,
  endOfDay = false,
): { ms: number; text: string } | undefined {
  const raw = single(values, name);
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = parseDateParameter(name, raw, endOfDay);
    return { ms: parsed.ms, text: parsed.repairedPlus ? raw.replace(' ', '+') : raw };
  } catch (error) {
    if (error instanceof DateParameterError) throw badRequest(error.message);
    throw error;
  }
}

/** Django REST style booleans (`True`/`False`), plus the usual lower-case and 1/0 spellings. */
export function booleanParam(values: QueryValues, name: string): boolean | undefined {
  const raw = single(values, name);
  if (raw === undefined || raw === '') return undefined;
  if (['True', 'true', '1'].includes(raw)) return true;
  if (['False', 'false', '0'].includes(raw)) return false;
  throw badRequest(`${name} must be True or False, got "${raw}"`);
}
