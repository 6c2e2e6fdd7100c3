import type { AllowedCodes } from './settings-commands.js';
import { invalidSetting, SettingsDomainError } from './settings-error.js';
import type { StoredShopCarrier } from './settings-events.js';

/**
 * Normalisers for the values commands carry. `decide` runs them before comparing with the state, so "FR" and " fr "
 * are the same country and a repeated command really changes nothing. Each failure names its field.
 */

const MARKETPLACE_CODE = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
const COUNTRY_CODE = /^[A-Z]{2}$/;
const MAX_TEXT = 200;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function requiredText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidSetting(field, `${field} must not be empty`);
  const text = value.trim();
  if (text.length > MAX_TEXT) throw invalidSetting(field, `${field} must be at most ${MAX_TEXT} characters`);
  return text;
}

/** Lower-case, as the plugins look definitions up (lengow-api.md §4). A leading letter or digit keeps `__proto__` out. */
export function marketplaceCode(value: unknown, field = 'marketplace'): string {
  const code = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!MARKETPLACE_CODE.test(code)) {
    throw invalidSetting(
      field,
      `${field} must be a Lengow marketplace code such as amazon_fr (letters, digits, _ . -)`,
    );
  }
  return code;
}

export function countryCode(value: unknown, field = 'country'): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!COUNTRY_CODE.test(code)) throw invalidSetting(field, `${field} must be an ISO 3166 alpha-2 code such as FR`);
  return code;
}

export function shopCarrier(value: unknown, field = 'shopCarrier'): StoredShopCarrier {
  if (!isRecord(value)) throw invalidSetting(field, `${field} must be an object with an id and a name`);
  const template = value.trackingUrlTemplate;
  let trackingUrlTemplate: string | null = null;
  if (template !== undefined && template !== null && !(typeof template === 'string' && template.trim() === '')) {
    const url = typeof template === 'string' ? template.trim() : '';
    // `@` stands for the tracking number (lengow-api.md §10.2); a URL without it would send every parcel to one page.
    if (!/^https?:\/\/\S+$/.test(url) || !url.includes('@')) {
      throw invalidSetting(
        `${field}.trackingUrlTemplate`,
        `${field}.trackingUrlTemplate must be an http(s) URL with @ where the tracking number goes`,
      );
    }
    trackingUrlTemplate = url;
  }
  return {
    id: requiredText(value.id, `${field}.id`),
    name: requiredText(value.name, `${field}.name`),
    trackingUrlTemplate,
  };
}

export type CodeKind = 'carrier' | 'shipping method';

/**
 * A marketplace carrier or method code. With a catalog that refuses free values, the code must be one of it, and is
 * stored as the definition spells it (matching is case-insensitive everywhere else, lengow-api.md §10).
 */
export function marketplaceCodeValue(
  value: unknown,
  field: string,
  kind: CodeKind,
  marketplace: string,
  allowed: AllowedCodes | null | undefined,
): string {
  const code = requiredText(value, field);
  if (allowed === null || allowed === undefined) return code;
  const catalogField = kind === 'carrier' ? 'allowedCarriers' : 'allowedMethods';
  if (
    !isRecord(allowed) ||
    typeof allowed.acceptFreeValues !== 'boolean' ||
    !Array.isArray(allowed.codes) ||
    !allowed.codes.every((candidate) => typeof candidate === 'string')
  ) {
    throw invalidSetting(catalogField, `${catalogField} must have a list of codes and acceptFreeValues true or false`);
  }
  // No codes at all means the definition does not list them: refusing everything would make mapping impossible.
  if (allowed.acceptFreeValues || allowed.codes.length === 0) return code;
  const known = allowed.codes.find((candidate) => candidate.trim().toLowerCase() === code.toLowerCase());
  if (known !== undefined) return known.trim();
  const listed = allowed.codes.slice(0, 20).join(', ');
  const more = allowed.codes.length > 20 ? ', …' : '';
  throw new SettingsDomainError(
    kind === 'carrier' ? 'UNKNOWN_MARKETPLACE_CARRIER' : 'UNKNOWN_SHIPPING_METHOD',
    field,
    `${field} "${code}" is not a ${kind} of marketplace ${marketplace} (known: ${listed}${more})`,
  );
}

export function sameShopCarrier(a: StoredShopCarrier | null, b: StoredShopCarrier | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.name === b.name && a.trackingUrlTemplate === b.trackingUrlTemplate;
}
