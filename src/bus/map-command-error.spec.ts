import { EventIdConflict } from '../event-store/event-ids.js';
import { WrongExpectedRevision } from '../event-store/wrong-expected-revision.error.js';
import { PayloadInvalid } from '../interfaces/catalogue/payload-invalid.error.js';
import { ProjectionBusy, UnknownProjection } from '../interfaces/catalogue/projection-commands.js';
import { StaleOrderRevision } from '../orders/commands/stale-order-revision.error.js';
import { OrderDomainError } from '../orders/domain/order-domain-error.js';
import { ImportCommandInvalid } from '../orders/import/commands/import-command-invalid.error.js';
import { ImportAlreadyRunning } from '../orders/import/import-already-running.error.js';
import { ShopUnavailable } from '../orders/import/shop-unavailable.error.js';
import { ReactionCommandInvalid } from '../orders/integration/reaction-command-invalid.error.js';
import { SettingsInvalid } from '../settings/commands/settings-invalid.error.js';
import { SettingsDomainError } from '../settings/domain/settings-error.js';
import { BusRequestError } from './bus-reply.js';
import { MAX_LISTED_FIELDS, mapCommandError } from './map-command-error.js';

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

  it('gives the refusals HTTP maps their own codes: a re-send’s wrong fields, an unknown or busy projection', () => {
    expect(
      mapCommandError(new ReactionCommandInvalid([{ field: 'payload.choices.a', message: 'must be a string' }])).error,
    ).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'payload.choices.a' }] } });
    expect(mapCommandError(new UnknownProjection('nope', ['order-overview'])).error).toMatchObject({
      code: 'UNKNOWN_PROJECTION',
      details: { projection: 'nope' },
    });
    expect(mapCommandError(new ProjectionBusy('order-overview', 'is already rebuilding')).error).toMatchObject({
      code: 'PROJECTION_BUSY',
      details: { projection: 'order-overview' },
    });
  });

  it('says EVENT_ID_CONFLICT when the events of a reused commandId are already recorded elsewhere', () => {
    const mapped = mapCommandError(
      new EventIdConflict('order-a-2', ['e1'], 'event ids already stored in another stream'),
    );
    expect(mapped.internal).toBeUndefined();
    expect(mapped.error).toMatchObject({ code: 'EVENT_ID_CONFLICT', details: { stream: 'order-a-2' } });
    expect(mapped.error.message).toContain('commandId');
  });

  it('lists a bounded number of field problems, saying how many were left out', () => {
    const failures = Array.from({ length: 60_000 }, (_, i) => ({
      field: `k${i}`,
      message: `k${i} is not a known field`,
    }));
    for (const error of [
      new PayloadInvalid(failures as [(typeof failures)[number], ...typeof failures]),
      BusRequestError.validation(failures as [(typeof failures)[number], ...typeof failures]),
    ]) {
      const mapped = mapCommandError(error).error;
      expect(mapped.code).toBe('VALIDATION_FAILED');
      expect(mapped.details!.fields).toHaveLength(MAX_LISTED_FIELDS);
      expect(mapped.details!.omittedFields).toBe(60_000 - MAX_LISTED_FIELDS);
      expect(mapped.message.length).toBeLessThan(500);
    }
    const few = mapCommandError(new PayloadInvalid([{ field: 'a', message: 'a must be a number' }])).error;
    expect(few).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'a must be a number',
      details: { fields: [{ field: 'payload.a', message: 'a must be a number' }] },
    });
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
