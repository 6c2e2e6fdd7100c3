import { randomUUID } from 'node:crypto';
import { EventIdConflict } from '../event-store/event-ids.js';
import { EventStoreUnavailable } from '../event-store/postgres/event-store-unavailable.error.js';
import { WrongExpectedRevision } from '../event-store/wrong-expected-revision.error.js';
import { PayloadInvalid } from '../interfaces/catalogue/payload-invalid.error.js';
import { ProjectionBusy, UnknownProjection } from '../interfaces/catalogue/projection-commands.js';
import { LengowError } from '../lengow/lengow-errors.js';
import { StaleOrderRevision } from '../orders/commands/stale-order-revision.error.js';
import { OrderDomainError } from '../orders/domain/order-domain-error.js';
import { ImportCommandInvalid } from '../orders/import/commands/import-command-invalid.error.js';
import { ImportAlreadyRunning } from '../orders/import/import-already-running.error.js';
import { OrderNotFormatted } from '../orders/import/order-not-formatted.error.js';
import { ShopUnavailable } from '../orders/import/shop-unavailable.error.js';
import { ReactionCommandInvalid } from '../orders/integration/reaction-command-invalid.error.js';
import { SettingsInvalid } from '../settings/commands/settings-invalid.error.js';
import { StaleSettingsRevision } from '../settings/commands/stale-settings-revision.error.js';
import { SettingsDomainError } from '../settings/domain/settings-error.js';
import { ShopError } from '../shop/shop-error.js';
import { BusRequestError, type BusError, type FieldProblem } from './bus-reply.js';

/**
 * Field problems a reply lists at most. A payload with thousands of unknown keys would otherwise be answered with a
 * reply larger than a NATS message may be, which never reaches the caller.
 */
export const MAX_LISTED_FIELDS = 50;

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
    const fields = error.details?.fields as readonly FieldProblem[] | undefined;
    if (error.code === 'VALIDATION_FAILED' && fields) {
      return { error: validationFailed(fields, error.message, error.details) };
    }
    return { error: withDetails(error.code, error.message, error.details) };
  }
  if (error instanceof PayloadInvalid) {
    const fields = error.failures.map(({ field, message }) => ({ field: payloadPath(field), message }));
    return { error: validationFailed(fields, error.message) };
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
    return { error: validationFailed(fields, error.message) };
  }
  if (error instanceof ImportCommandInvalid || error instanceof ReactionCommandInvalid) {
    // These handlers already name fields from the request's root (`payload.days`, `payload.choices`, `metadata.actor`).
    const fields = error.failures.map(({ field, message }) => ({ field, message }));
    return { error: validationFailed(fields, error.message) };
  }
  if (error instanceof UnknownProjection) {
    return { error: withDetails(error.code, error.message, { projection: error.projection }) };
  }
  if (error instanceof ProjectionBusy) {
    return { error: withDetails(error.code, error.message, { projection: error.projection }) };
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
  if (error instanceof EventIdConflict) {
    // The caller's commandId names another command already applied elsewhere (another order, other events): its
    // message names only the stream and the reason, not the other command.
    return { error: withDetails(error.code, commandIdReused(error), { stream: error.stream }) };
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

/**
 * VALIDATION_FAILED listing at most MAX_LISTED_FIELDS problems. Past that, the message says how many were left out
 * instead of joining them all, so the reply stays small whatever the request held.
 */
function validationFailed(
  all: readonly FieldProblem[],
  message: string,
  details: Record<string, unknown> = {},
): BusError {
  if (all.length <= MAX_LISTED_FIELDS) return withDetails('VALIDATION_FAILED', message, { ...details, fields: all });
  const fields = all.slice(0, MAX_LISTED_FIELDS);
  const omitted = all.length - fields.length;
  return withDetails(
    'VALIDATION_FAILED',
    `${all.length} field problems; details.fields lists the first ${fields.length} (${omitted} left out), ` +
      `starting with ${fields[0].field}: ${fields[0].message}`,
    { ...details, fields, omittedFields: omitted },
  );
}

function commandIdReused(error: EventIdConflict): string {
  return (
    `the events of this command are already recorded by another command (${error.reason}); ` +
    'a commandId names one command: send a new one for a new command'
  );
}

/** Failure paths are relative to the payload; the bus names them from the request's root. */
function payloadPath(field: string): string {
  return field === 'payload' || field.startsWith('payload.') ? field : `payload.${field}`;
}

function withDetails(code: string, message: string, details?: Record<string, unknown>): BusError {
  return details === undefined ? { code, message } : { code, message, details };
}
