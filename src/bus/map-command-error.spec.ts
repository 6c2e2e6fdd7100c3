import { WrongExpectedRevision } from '../event-store/wrong-expected-revision.error.js';
import { StaleOrderRevision } from '../orders/commands/stale-order-revision.error.js';
import { OrderDomainError } from '../orders/domain/order-domain-error.js';
import { ImportCommandInvalid } from '../orders/import/commands/import-command-invalid.error.js';
import { ImportAlreadyRunning } from '../orders/import/import-already-running.error.js';
import { ShopUnavailable } from '../orders/import/shop-unavailable.error.js';
import { SettingsInvalid } from '../settings/commands/settings-invalid.error.js';
import { SettingsDomainError } from '../settings/domain/settings-error.js';
import { mapCommandError } from './map-command-error.js';

describe('mapCommandError', () => {
  it('passes domain refusals through with their code and details', () => {
    expect(mapCommandError(new OrderDomainError('NO_FAILED_ACTION', 'no failed action', { actionId: 'a1' }))).toEqual({
      error: { code: 'NO_FAILED_ACTION', message: 'no failed action', details: { actionId: 'a1' } },
    });
    expect(mapCommandError(new StaleOrderRevision('order-a-1', 3, 5)).error).toEqual({
      code: 'STALE_ORDER_REVISION',
      message: 'order order-a-1 is at revision 5, not 3',
      details: { stream: 'order-a-1', expected: 3, actual: 5 },
    });
    expect(mapCommandError(new SettingsDomainError('INVALID_SETTING', 'importWindowDays', 'too long')).error).toEqual({
      code: 'INVALID_SETTING',
      message: 'too long',
      details: { field: 'importWindowDays' },
    });
    expect(mapCommandError(new WrongExpectedRevision('order-a-1', 2, 4)).error.code).toBe('WRONG_EXPECTED_REVISION');
  });

  it('reports the settings handlers’ own shape checks as VALIDATION_FAILED with request paths', () => {
    const { error } = mapCommandError(
      new SettingsInvalid([
        { field: 'metadata.actor', message: 'metadata.actor must be system…' },
        { field: 'importWindowDays', message: 'importWindowDays must be a number' },
      ]),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect((error.details!.fields as Array<{ field: string }>).map((f) => f.field)).toEqual([
      'metadata.actor',
      'payload.importWindowDays',
    ]);
  });

  it('maps the import pipeline’s refusals, hiding the shop outage’s cause', () => {
    const invalid = mapCommandError(new ImportCommandInvalid([{ field: 'payload.days', message: 'payload.days …' }]));
    expect(invalid.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'payload.days' }] },
    });
    expect(mapCommandError(new ImportAlreadyRunning('run-7')).error).toMatchObject({
      code: 'IMPORT_ALREADY_RUNNING',
      details: { runningRunId: 'run-7' },
    });
    const outage = mapCommandError(
      new ShopUnavailable('lookup', { cause: new Error('connect ECONNREFUSED 10.0.0.5') }),
    );
    expect(outage.error.code).toBe('SHOP_UNAVAILABLE');
    expect(outage.error.message).not.toContain('10.0.0.5');
  });

  it('hides anything else behind INTERNAL and a reference, keeping the real error for the log', () => {
    const cause = Object.assign(new Error('SQLITE_BUSY: database is locked at /srv/data/x.sqlite'), {
      code: 'SQLITE_BUSY',
    });
    const mapped = mapCommandError(cause);
    expect(mapped.error.code).toBe('INTERNAL');
    expect(mapped.error.message).not.toContain('/srv');
    expect(mapped.error.message).toContain(mapped.internal!.reference);
    expect(mapped.internal!.cause).toBe(cause);
    expect(mapCommandError('a string').error.code).toBe('INTERNAL');
  });
});
