import type { RetryPolicy } from '../../orders/domain/import-settings.js';
import type { LengowStatus } from '../../orders/domain/lengow-status.js';
import {
  IMPORT_INTERVAL_SECONDS_RANGE,
  IMPORT_PARAMETER_NAMES,
  IMPORT_WINDOW_DAYS_RANGE,
  KNOWN_LENGOW_STATUSES,
  MAX_ORDER_AGE_MONTHS_RANGE,
  RETRY_INITIAL_DELAY_SECONDS_RANGE,
  RETRY_MAX_ATTEMPTS_RANGE,
  RETRY_MAX_DELAY_SECONDS_RANGE,
  type ImportParameterName,
  type ImportParameters,
  type ImportParametersPatch,
} from './import-parameters.js';
import type { ImportSettingsChange } from './settings-commands.js';
import { invalidSetting, SettingsDomainError } from './settings-error.js';
import { settingsEvent, type SettingsEvent } from './settings-events.js';
import type { OrderSettingsState } from './settings-state.js';

type Range = { readonly min: number; readonly max: number };

function integerIn(value: unknown, field: string, range: Range): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidSetting(field, `${field} must be a number`);
  if (!Number.isInteger(value)) throw invalidSetting(field, `${field} must be a whole number`);
  if (value < range.min || value > range.max) {
    throw invalidSetting(field, `${field} must be between ${range.min} and ${range.max}`);
  }
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidSetting(field, `${field} must be true or false`);
  return value;
}

/** A set of known statuses, deduplicated and in the canonical order, so equal sets compare equal. */
function statuses(value: unknown): LengowStatus[] {
  const field = 'importableStatuses';
  if (!Array.isArray(value)) throw invalidSetting(field, `${field} must be a list of Lengow statuses`);
  const wanted = new Set<string>();
  for (const item of value) {
    const status = typeof item === 'string' ? item.trim().toLowerCase() : '';
    if (!KNOWN_LENGOW_STATUSES.includes(status)) {
      throw new SettingsDomainError(
        'UNKNOWN_LENGOW_STATUS',
        field,
        `${field}: "${String(item)}" is not a Lengow status (${KNOWN_LENGOW_STATUSES.join(', ')})`,
      );
    }
    wanted.add(status);
  }
  if (wanted.size === 0) throw invalidSetting(field, `${field} must list at least one Lengow status`);
  return KNOWN_LENGOW_STATUSES.filter((status) => wanted.has(status));
}

function retryPolicy(value: unknown): RetryPolicy {
  const field = 'retryPolicy';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidSetting(field, `${field} must be an object with initialDelaySeconds, maxDelaySeconds and maxAttempts`);
  }
  const raw = value as Record<string, unknown>;
  const initialDelaySeconds = integerIn(
    raw.initialDelaySeconds,
    `${field}.initialDelaySeconds`,
    RETRY_INITIAL_DELAY_SECONDS_RANGE,
  );
  const maxDelaySeconds = integerIn(raw.maxDelaySeconds, `${field}.maxDelaySeconds`, RETRY_MAX_DELAY_SECONDS_RANGE);
  if (maxDelaySeconds < initialDelaySeconds) {
    throw invalidSetting(
      `${field}.maxDelaySeconds`,
      `${field}.maxDelaySeconds must not be less than ${field}.initialDelaySeconds`,
    );
  }
  const maxAttempts = integerIn(raw.maxAttempts, `${field}.maxAttempts`, RETRY_MAX_ATTEMPTS_RANGE);
  return { initialDelaySeconds, maxDelaySeconds, maxAttempts };
}

const normalisers: { readonly [K in ImportParameterName]: (value: unknown) => ImportParameters[K] } = {
  importableStatuses: statuses,
  importWindowDays: (value) => integerIn(value, 'importWindowDays', IMPORT_WINDOW_DAYS_RANGE),
  importIntervalSeconds: (value) =>
    value === null ? null : integerIn(value, 'importIntervalSeconds', IMPORT_INTERVAL_SECONDS_RANGE),
  createShippedByMarketplace: (value) => flag(value, 'createShippedByMarketplace'),
  decrementStockShippedByMarketplace: (value) => flag(value, 'decrementStockShippedByMarketplace'),
  importProcessingFee: (value) => flag(value, 'importProcessingFee'),
  forceProduct: (value) => flag(value, 'forceProduct'),
  maxOrderAgeMonths: (value) => integerIn(value, 'maxOrderAgeMonths', MAX_ORDER_AGE_MONTHS_RANGE),
  retryPolicy,
};

/** Values here are JSON-shaped (numbers, booleans, null, arrays of strings, one flat object). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Every field present is validated and normalised first, so a change is all or nothing; then only the fields whose
 * value differs from the current one are recorded, with their old values.
 */
export function decideChangeImportSettings(change: ImportSettingsChange, state: OrderSettingsState): SettingsEvent[] {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) {
    throw new SettingsDomainError('INVALID_COMMAND', null, 'ChangeImportSettings needs an object of settings');
  }
  const unknown = Object.keys(change).filter((key) => !(IMPORT_PARAMETER_NAMES as readonly string[]).includes(key));
  if (unknown.length > 0) throw invalidSetting(unknown[0], `${unknown[0]} is not an import setting`);

  const wanted: ImportParametersPatch = {};
  for (const name of IMPORT_PARAMETER_NAMES) {
    const value = (change as Record<string, unknown>)[name];
    if (value === undefined) continue;
    (wanted as Record<string, unknown>)[name] = normalisers[name](value);
  }
  const changes: ImportParametersPatch = {};
  const previous: ImportParametersPatch = {};
  for (const name of IMPORT_PARAMETER_NAMES) {
    if (!Object.hasOwn(wanted, name)) continue;
    const next = wanted[name];
    if (sameValue(next, state.parameters[name])) continue;
    (changes as Record<string, unknown>)[name] = next;
    (previous as Record<string, unknown>)[name] = state.parameters[name];
  }
  if (Object.keys(changes).length === 0) return [];
  return [settingsEvent('ImportSettingsChanged', { changes, previous })];
}
