import { DEFAULT_IMPORT_SETTINGS, type ImportSettings, type RetryPolicy } from '../../orders/domain/import-settings.js';
import type { LengowStatus } from '../../orders/domain/lengow-status.js';

/**
 * Everything the "Order parameters" page edits about imports: the order domain's ImportSettings plus the poll window
 * and interval, flat so one change event can name each field it changed.
 */
export interface ImportParameters {
  readonly importableStatuses: readonly LengowStatus[];
  /** Days of `updated_at` a poll covers (lengow-api.md §12). */
  readonly importWindowDays: number;
  /** Seconds between scheduled imports; null follows the deployment's IMPORT_INTERVAL. */
  readonly importIntervalSeconds: number | null;
  readonly createShippedByMarketplace: boolean;
  readonly decrementStockShippedByMarketplace: boolean;
  readonly importProcessingFee: boolean;
  readonly forceProduct: boolean;
  readonly maxOrderAgeMonths: number;
  readonly retryPolicy: RetryPolicy;
}

export type ImportParameterName = keyof ImportParameters;

/** Some fields of ImportParameters: what a change sets, or what they were before it. */
export type ImportParametersPatch = { -readonly [K in ImportParameterName]?: ImportParameters[K] };

export const IMPORT_PARAMETER_NAMES: readonly ImportParameterName[] = [
  'importableStatuses',
  'importWindowDays',
  'importIntervalSeconds',
  'createShippedByMarketplace',
  'decrementStockShippedByMarketplace',
  'importProcessingFee',
  'forceProduct',
  'maxOrderAgeMonths',
  'retryPolicy',
];

/** Lengow's normalised statuses (lengow-api.md §6), in the order the settings list them. */
export const KNOWN_LENGOW_STATUSES: readonly LengowStatus[] = [
  'new',
  'waiting_acceptance',
  'accepted',
  'waiting_shipment',
  'shipped',
  'closed',
  'refused',
  'canceled',
  'refunded',
  'refunding',
  'partial_refunded',
];

/** `LENGOW_IMPORT_DAYS` default and clamp (lengow-api.md §12). */
export const DEFAULT_IMPORT_WINDOW_DAYS = 3;
export const IMPORT_WINDOW_DAYS_RANGE = { min: 1, max: 10 } as const;
/**
 * 10 s keeps a misclick from hammering Lengow's rate limits; a day is the longest gap after which the 10-day window
 * still overlaps generously.
 */
export const IMPORT_INTERVAL_SECONDS_RANGE = { min: 10, max: 86_400 } as const;
/** A sanity bound, not a Lengow rule: past two years a poll only re-reads orders long closed. */
export const MAX_ORDER_AGE_MONTHS_RANGE = { min: 1, max: 24 } as const;
export const RETRY_INITIAL_DELAY_SECONDS_RANGE = { min: 1, max: 86_400 } as const;
export const RETRY_MAX_DELAY_SECONDS_RANGE = { min: 1, max: 604_800 } as const;
export const RETRY_MAX_ATTEMPTS_RANGE = { min: 1, max: 100 } as const;

export const DEFAULT_IMPORT_PARAMETERS: ImportParameters = {
  ...DEFAULT_IMPORT_SETTINGS,
  importWindowDays: DEFAULT_IMPORT_WINDOW_DAYS,
  importIntervalSeconds: null,
};

/** The slice the order domain reads. */
export function importSettingsOf(parameters: ImportParameters): ImportSettings {
  return {
    importableStatuses: parameters.importableStatuses,
    createShippedByMarketplace: parameters.createShippedByMarketplace,
    decrementStockShippedByMarketplace: parameters.decrementStockShippedByMarketplace,
    importProcessingFee: parameters.importProcessingFee,
    forceProduct: parameters.forceProduct,
    maxOrderAgeMonths: parameters.maxOrderAgeMonths,
    retryPolicy: parameters.retryPolicy,
  };
}
