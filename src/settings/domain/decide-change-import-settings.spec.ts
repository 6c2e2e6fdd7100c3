import { DEFAULT_IMPORT_SETTINGS } from '../../orders/domain/import-settings.js';
import type { ImportSettingsChange } from './settings-commands.js';
import { settingsEvent } from './settings-events.js';
import { spec } from './testing/settings-fixtures.js';

const change = (data: Record<string, unknown>) => ({
  type: 'ChangeImportSettings' as const,
  data: data as ImportSettingsChange,
});

describe('ChangeImportSettings', () => {
  it('records only the fields that change, with what they were (ImportSettingsChanged)', () => {
    spec
      .given([])
      .when(change({ importWindowDays: 5, forceProduct: true, importProcessingFee: false }))
      .then([
        settingsEvent('ImportSettingsChanged', {
          changes: { importWindowDays: 5, importProcessingFee: false },
          previous: { importWindowDays: 3, importProcessingFee: true },
        }),
      ]);
  });

  it('appends nothing when every value is already the current one', () => {
    spec
      .given([
        settingsEvent('ImportSettingsChanged', { changes: { importWindowDays: 5 }, previous: { importWindowDays: 3 } }),
      ])
      .when(change({ importWindowDays: 5, retryPolicy: { ...DEFAULT_IMPORT_SETTINGS.retryPolicy } }))
      .thenNothingHappened();
  });

  it('compares importable statuses as a set (order, case and duplicates do not matter)', () => {
    spec
      .given([])
      .when(change({ importableStatuses: ['Closed', 'shipped', 'partial_refunded', 'waiting_shipment', 'shipped'] }))
      .thenNothingHappened();
    spec
      .given([])
      .when(change({ importableStatuses: ['shipped', 'waiting_shipment'] }))
      .then([
        settingsEvent('ImportSettingsChanged', {
          changes: { importableStatuses: ['waiting_shipment', 'shipped'] },
          previous: { importableStatuses: ['waiting_shipment', 'shipped', 'closed', 'partial_refunded'] },
        }),
      ]);
  });

  it('pins the import interval, and null goes back to the deployment default', () => {
    spec
      .given([])
      .when(change({ importIntervalSeconds: 600 }))
      .then([
        settingsEvent('ImportSettingsChanged', {
          changes: { importIntervalSeconds: 600 },
          previous: { importIntervalSeconds: null },
        }),
      ]);
    spec
      .given([
        settingsEvent('ImportSettingsChanged', {
          changes: { importIntervalSeconds: 600 },
          previous: { importIntervalSeconds: null },
        }),
      ])
      .when(change({ importIntervalSeconds: null }))
      .then([
        settingsEvent('ImportSettingsChanged', {
          changes: { importIntervalSeconds: null },
          previous: { importIntervalSeconds: 600 },
        }),
      ]);
  });

  it.each([
    [{ importWindowDays: 12 }, 'INVALID_SETTING', 'importWindowDays must be between 1 and 10'],
    [{ importWindowDays: 0 }, 'INVALID_SETTING', 'importWindowDays must be between 1 and 10'],
    [{ importWindowDays: 2.5 }, 'INVALID_SETTING', 'importWindowDays must be a whole number'],
    [{ importWindowDays: '3' }, 'INVALID_SETTING', 'importWindowDays must be a number'],
    [{ importWindowDays: Number.NaN }, 'INVALID_SETTING', 'importWindowDays must be a number'],
    [{ importIntervalSeconds: 5 }, 'INVALID_SETTING', 'importIntervalSeconds must be between 10 and 86400'],
    [{ maxOrderAgeMonths: 25 }, 'INVALID_SETTING', 'maxOrderAgeMonths must be between 1 and 24'],
    [{ createShippedByMarketplace: 'yes' }, 'INVALID_SETTING', 'createShippedByMarketplace must be true or false'],
    [
      { decrementStockShippedByMarketplace: null },
      'INVALID_SETTING',
      'decrementStockShippedByMarketplace must be true or false',
    ],
    [{ importProcessingFee: 1 }, 'INVALID_SETTING', 'importProcessingFee must be true or false'],
    [{ forceProduct: 'false' }, 'INVALID_SETTING', 'forceProduct must be true or false'],
    [
      { importableStatuses: ['shipped', 'sent'] },
      'UNKNOWN_LENGOW_STATUS',
      'importableStatuses: "sent" is not a Lengow status (new, waiting_acceptance, accepted, waiting_shipment, shipped, closed, refused, canceled, refunded, refunding, partial_refunded)',
    ],
    [{ importableStatuses: [] }, 'INVALID_SETTING', 'importableStatuses must list at least one Lengow status'],
    [{ importableStatuses: 'shipped' }, 'INVALID_SETTING', 'importableStatuses must be a list of Lengow statuses'],
    [
      { retryPolicy: 3 },
      'INVALID_SETTING',
      'retryPolicy must be an object with initialDelaySeconds, maxDelaySeconds and maxAttempts',
    ],
    [
      { retryPolicy: { initialDelaySeconds: 0, maxDelaySeconds: 60, maxAttempts: 3 } },
      'INVALID_SETTING',
      'retryPolicy.initialDelaySeconds must be between 1 and 86400',
    ],
    [
      { retryPolicy: { initialDelaySeconds: 60, maxDelaySeconds: 30, maxAttempts: 3 } },
      'INVALID_SETTING',
      'retryPolicy.maxDelaySeconds must not be less than retryPolicy.initialDelaySeconds',
    ],
    [
      { retryPolicy: { initialDelaySeconds: 60, maxDelaySeconds: 700_000, maxAttempts: 3 } },
      'INVALID_SETTING',
      'retryPolicy.maxDelaySeconds must be between 1 and 604800',
    ],
    [
      { retryPolicy: { initialDelaySeconds: 60, maxDelaySeconds: 600, maxAttempts: 0 } },
      'INVALID_SETTING',
      'retryPolicy.maxAttempts must be between 1 and 100',
    ],
    [{ importDays: 5 }, 'INVALID_SETTING', 'importDays is not an import setting'],
  ])('refuses %j with %s "%s"', (data, code, message) => {
    const error = spec.given([]).when(change(data)).thenThrows(code);
    expect(error.message).toBe(message);
  });

  it('names the field of the failure', () => {
    const error = spec
      .given([])
      .when(change({ retryPolicy: { initialDelaySeconds: 60, maxDelaySeconds: 600, maxAttempts: 0 } }))
      .thenThrows('INVALID_SETTING');
    expect(error).toMatchObject({ field: 'retryPolicy.maxAttempts' });
  });

  it('refuses data that is not an object', () => {
    const error = spec
      .given([])
      .when(change(null as never))
      .thenThrows('INVALID_COMMAND');
    expect(error.message).toBe('ChangeImportSettings needs an object of settings');
  });
});
