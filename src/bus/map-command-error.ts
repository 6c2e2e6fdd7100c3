import { randomUUID } from 'node:crypto';
import { EventStoreUnavailable } from '../event-store/postgres/event-store-unavailable.error.js';
import { WrongExpectedRevision } from '../event-store/wrong-expected-revision.error.js';
import { PayloadInvalid } from '../interfaces/catalogue/payload-invalid.error.js';
import { LengowError } from '../lengow/lengow-errors.js';
import { StaleOrderRevision } from '../orders/commands/stale-order-revision.error.js';
import { OrderDomainError } from '../orders/domain/order-domain-error.js';
import { ImportCommandInvalid } from '../orders/import/commands/import-command-invalid.error.js';
import { ImportAlreadyRunning } from '../orders/import/import-already-running.error.js';
import { OrderNotFormatted } from '../orders/import/order-not-formatted.error.js';
import { ShopUnavailable } from '../orders/import/shop-unavailable.error.js';
import { SettingsInvalid } from '../settings/commands/settings-invalid.error.js';
import { StaleSettingsRevision } from '../settings/commands/stale-settings-revision.error.js';
import { SettingsDomainError } from '../settings/domain/settings-error.js';
import { ShopError } from '../shop/shop-error.js';
import { BusRequestError, type BusError } from './bus-reply.js';

export interface MappedError {
  error: BusError;
  /** Unexpected failures are logged with this reference; the caller sees only the reference. */
  internal?: { reference: string; cause: unknown };
}

/**
 * Turns whatever a command threw into the reply's error. Only errors the engine defines as refusals pass their code
 * and message through; anything else (a database error, a bug) becomes INTERNAL with a generic message, since its text
 * may name tables, files or hosts — the real error goes to the log under the reference the caller is given.
 */
export function mapCommandError(error: unknown): MappedError {
  if (error instanceof BusRequestError) {
    return { error: withDetails(error.code, error.message, error.details) };
  }
  if (error instanceof PayloadInvalid) {
    const fields = error.failures.map(({ field, message }) => ({ field: payloadPath(field), message }));
    return { error: withDetails('VALIDATION_FAILED', error.message, { fields }) };
  }
  if (error instanceof OrderDomainError) {
    return { error: withDetails(error.code, error.message, error.details ? { ...error.details } : undefined) };
  }
  if (error instanceof StaleOrderRevision) {
    const { stream, expected, actual } = error;
    return { error: withDetails(error.code, error.message, { stream, expected, actual }) };
  }
  if (error instanceof SettingsDomainError) {
    return { error: withDetails(error.code, error.message, error.field ? { field: error.field } : undefined) };
  }
  if (error instanceof SettingsInvalid) {
    // The settings handlers check the shape again; the bus already did for the payload, so what is left is metadata.
    const fields = error.failures.map(({ field, message }) => ({
      field: field.startsWith('metadata.') || field.startsWith('options.') ? field : payloadPath(field),
      message,
    }));
    return { error: withDetails('VALIDATION_FAILED', error.message, { fields }) };
  }
  if (error instanceof ImportCommandInvalid) {
    // The import handlers already name fields from the request's root (`payload.days`, `metadata.actor`).
    const fields = error.failures.map(({ field, message }) => ({ field, message }));
    return { error: withDetails('VALIDATION_FAILED', error.message, { fields }) };
  }
  if (error instanceof ImportAlreadyRunning) {
    return { error: withDetails(error.code, error.message, { runningRunId: error.runningRunId }) };
  }
  if (error instanceof ShopUnavailable) {
    // Its message carries the underlying cause, which may name hosts or files.
    return { error: withDetails(error.code, 'the shop cannot be reached; try again shortly') };
  }
  if (error instanceof OrderNotFormatted) {
    return { error: withDetails(error.code, error.message) };
  }
  if (error instanceof StaleSettingsRevision) {
    const { expected, actual } = error;
    return { error: withDetails(error.code, error.message, { expected, actual }) };
  }
  if (error instanceof WrongExpectedRevision) {
    // Writers kept racing past the executor's retries: the caller may simply send the command again.
    return { error: withDetails(error.code, error.message, { stream: error.stream }) };
  }
  if (error instanceof ShopError) {
    const problems = error.problems.map(({ code, message, path }) => ({ code, message, ...(path ? { path } : {}) }));
    return { error: withDetails(error.code, error.message, { problems }) };
  }
  if (error instanceof LengowError) {
    // Written for operators (the HTTP API shows the same text); credentials never enter these messages.
    return { error: withDetails(error.code, `Lengow: ${error.message}`) };
  }
  if (error instanceof EventStoreUnavailable) {
    return { error: withDetails(error.code, 'the event store cannot be reached; try again shortly') };
  }
  const reference = randomUUID();
  return {
    error: withDetails('INTERNAL', `internal error; the engine logged it under reference ${reference}`, {
      reference,
    }),
    internal: { reference, cause: error },
  };
}

/** Failure paths are relative to the payload; the bus names them from the request's root. */
function payloadPath(field: string): string {
  return field === 'payload' || field.startsWith('payload.') ? field : `payload.${field}`;
}

function withDetails(code: string, message: string, details?: Record<string, unknown>): BusError {
  return details === undefined ? { code, message } : { code, message, details };
}
