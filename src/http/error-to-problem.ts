import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { EventIdConflict } from '../event-store/event-ids.js';
import { WrongExpectedRevision } from '../event-store/wrong-expected-revision.error.js';
import { EventStoreUnavailable } from '../event-store/postgres/event-store-unavailable.error.js';
import { PayloadInvalid } from '../interfaces/catalogue/payload-invalid.error.js';
import { ProjectionBusy, UnknownProjection } from '../interfaces/catalogue/projection-commands.js';
import { ReactionNotFound } from '../interfaces/catalogue/reaction-commands.js';
import { LengowError } from '../lengow/lengow-errors.js';
import { StaleOrderRevision } from '../orders/commands/stale-order-revision.error.js';
import { ImportCommandInvalid } from '../orders/import/commands/import-command-invalid.error.js';
import { ImportAlreadyRunning } from '../orders/import/import-already-running.error.js';
import { OrderNotFormatted } from '../orders/import/order-not-formatted.error.js';
import { ShopUnavailable } from '../orders/import/shop-unavailable.error.js';
import { ReactionCommandInvalid } from '../orders/integration/reaction-command-invalid.error.js';
import { InvalidOverviewQuery } from '../orders/projections/invalid-overview-query.error.js';
import { OverviewFilterUnavailable } from '../orders/projections/overview-filter-unavailable.error.js';
import { OrderDomainError, type OrderErrorCode } from '../orders/domain/order-domain-error.js';
import { SettingsInvalid } from '../settings/commands/settings-invalid.error.js';
import { StaleSettingsRevision } from '../settings/commands/stale-settings-revision.error.js';
import { SettingsDomainError } from '../settings/domain/settings-error.js';
import { ShopError, type ShopErrorCode } from '../shop/shop-error.js';
import { HttpProblem, problemType, type FieldError, type ProblemDetails } from './http-problem.js';

export interface MappedProblem {
  readonly problem: ProblemDetails;
  readonly headers: Readonly<Record<string, string>>;
  /** An error nobody anticipated: the filter logs it in full, the client only gets a generic 500. */
  readonly unexpected: boolean;
}

/**
 * HTTP status of every order domain code. A Record, so adding a code to the domain without deciding its status here
 * fails the type check. 409: the order is not in a state where the command applies; 422: the request names something
 * the order does not have (a shop order, a line, an action) or asks for more than it allows.
 */
const ORDER_STATUS: Record<OrderErrorCode, number> = {
  INVALID_COMMAND: 400,
  INVALID_ORDER_KEY: 400,
  INVALID_TIMESTAMP: 400,
  ORDER_NOT_FOUND: 404,
  ORDER_KEY_MISMATCH: 422,
  ORDER_NOT_IMPORTED: 409,
  ORDER_ALREADY_IMPORTED: 409,
  IMPORT_IN_PROGRESS: 409,
  NO_PENDING_IMPORT: 409,
  IMPORT_GENERATION_MISMATCH: 409,
  SHOP_ORDER_KEYS_MISMATCH: 422,
  REIMPORT_NOT_ALLOWED: 409,
  STOCK_DECREMENT_NOT_EXPECTED: 409,
  STOCK_ALREADY_DECREMENTED: 409,
  NO_FAILED_STOCK_DECREMENT: 409,
  MOI_REQUEST_NOT_FOUND: 422,
  SHOP_ORDER_NOT_FOUND: 422,
  SHOP_ORDER_REPLACED: 409,
  SHOP_CHANGE_NOT_FOUND: 422,
  SHOP_CHANGE_KIND_MISMATCH: 422,
  SHOP_CHANGE_CONFLICT: 409,
  LINE_NOT_FOUND: 422,
  REFUND_QUANTITY_EXCEEDED: 422,
  ACTION_NOT_APPLICABLE: 409,
  ACTION_NOT_FOUND: 422,
  ACTION_NOT_SENT: 409,
  ACTION_ALREADY_FINISHED: 409,
  ACTION_ID_CONFLICT: 409,
  ACTION_TIMEOUT_NOT_REACHED: 409,
  ACTION_STILL_OPEN: 409,
  NO_FAILED_ACTION: 409,
};

const SHOP_STATUS: Record<ShopErrorCode, number> = {
  INVALID_SHOP_INPUT: 400,
  UNKNOWN_PRODUCT: 422,
  PRODUCT_VARIATION_NEEDED: 422,
  CURRENCY_NOT_ENABLED: 422,
  COUNTRY_NOT_ACTIVE: 422,
  UNKNOWN_CARRIER: 422,
  UNKNOWN_ORDER: 404,
  UNKNOWN_ORDER_LINE: 422,
  INSUFFICIENT_STOCK: 409,
  INVALID_STATE_TRANSITION: 409,
  REFUND_EXCEEDS_QUANTITY: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
};

/** Lengow failures seen through a command (a one-order import…): the engine is a gateway to Lengow here. */
const LENGOW_STATUS: Record<string, number> = {
  LENGOW_ORDER_NOT_FOUND: 404,
  LENGOW_UNKNOWN_MARKETPLACE: 422,
  LENGOW_INVALID_REQUEST: 400,
  LENGOW_RATE_LIMITED: 503,
  LENGOW_UNAVAILABLE: 503,
};

/** Router-level refusals Fastify raises before a handler runs, by Fastify error code. */
const FASTIFY_CODES: Record<string, { code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', detail: 'the request body is larger than the 1 MiB limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'send the body as application/json',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'MALFORMED_JSON',
    detail: 'the request says it sends JSON but the body is empty (send {} for no fields)',
  },
  FST_ERR_BAD_URL: { code: 'BAD_URL', detail: 'the path is not valid percent-encoded UTF-8' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_CONTENT_LENGTH',
    detail: 'the Content-Length header does not match the body',
  },
};

const STATUS_CODE_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  411: 'LENGTH_REQUIRED',
  412: 'PRECONDITION_FAILED',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
};

/** Problem details of one refusal: type from the code, title from the status, field errors and extensions if any. */
export function problemDetails(
  status: number,
  code: string,
  detail: string,
  errors?: readonly FieldError[],
  extensions: Record<string, unknown> = {},
): ProblemDetails {
  return {
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extensions,
  };
}

const mapped = (p: ProblemDetails, headers: Record<string, string> = {}): MappedProblem => ({
  problem: p,
  headers,
  unexpected: false,
});

/** A Fastify/http-errors error (`statusCode` 4xx, `code` FST_…), directly or as the cause of Nest's HttpException. */
function clientErrorOf(error: unknown): { statusCode: number; code?: string; message: string } | null {
  const candidate = error instanceof HttpException ? (error.cause ?? null) : error;
  if (typeof candidate !== 'object' || candidate === null) return null;
  const { statusCode, code, message } = candidate as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return null;
  return { statusCode, code: typeof code === 'string' ? code : undefined, message: String(message ?? '') };
}

/** Maps any error a request can end with to problem details. Pure: the filter writes and logs. */
export function errorToProblem(error: unknown): MappedProblem {
  if (error instanceof HttpProblem) {
    return mapped(
      { ...problemDetails(error.status, error.code, error.message, error.extra.errors), title: error.title },
      { ...error.extra.headers },
    );
  }
  if (error instanceof PayloadInvalid) {
    return mapped(problemDetails(400, 'VALIDATION_FAILED', error.message, error.failures));
  }
  if (error instanceof SettingsInvalid) {
    return mapped(problemDetails(400, 'VALIDATION_FAILED', error.message, error.failures));
  }
  if (error instanceof ImportCommandInvalid || error instanceof ReactionCommandInvalid) {
    // The import handlers name fields `payload.<name>`; over HTTP the payload is the body, named without prefix.
    const errors = error.failures.map((f) => ({
      field: f.field.replace(/^payload\./, ''),
      message: f.message.replace(/^payload\./, ''),
    }));
    return mapped(problemDetails(400, 'VALIDATION_FAILED', errors.map((e) => e.message).join('; '), errors));
  }
  if (error instanceof InvalidOverviewQuery) {
    const errors = error.problems.map((p) => ({
      field: p.field === 'orderKey' ? 'path' : `query.${p.field}`,
      message: `${p.field}: ${p.message}`,
    }));
    return mapped(problemDetails(400, 'VALIDATION_FAILED', error.message, errors));
  }
  if (error instanceof OverviewFilterUnavailable) {
    const errors = [{ field: `query.${error.field}`, message: error.message }];
    return mapped(problemDetails(503, error.code, error.message, errors), { 'Retry-After': '10' });
  }
  if (error instanceof UnknownProjection) return mapped(problemDetails(404, error.code, error.message));
  if (error instanceof ReactionNotFound) return mapped(problemDetails(404, error.code, error.message));
  if (error instanceof ProjectionBusy) return mapped(problemDetails(409, error.code, error.message));
  if (error instanceof ImportAlreadyRunning) {
    return mapped(problemDetails(409, error.code, error.message, undefined, { runningRunId: error.runningRunId }), {
      'Retry-After': '5',
    });
  }
  if (error instanceof ShopUnavailable) {
    return mapped(problemDetails(503, error.code, 'the shop cannot be reached; try again shortly'));
  }
  if (error instanceof OrderNotFormatted) {
    return mapped(problemDetails(422, error.code, error.message));
  }
  if (error instanceof SettingsDomainError) {
    const status = error.code === 'INVALID_COMMAND' ? 400 : 422;
    const errors = error.field ? [{ field: error.field, message: error.message }] : undefined;
    return mapped(problemDetails(status, error.code, error.message, errors));
  }
  if (error instanceof StaleOrderRevision) {
    return mapped(problemDetails(412, error.code, error.message, undefined, { currentRevision: error.actual }), {
      ETag: `W/"${error.actual}"`,
    });
  }
  if (error instanceof StaleSettingsRevision) {
    return mapped(problemDetails(412, error.code, error.message, undefined, { currentRevision: error.actual }), {
      ETag: `W/"${error.actual}"`,
    });
  }
  if (error instanceof WrongExpectedRevision) {
    return mapped(
      problemDetails(409, error.code, 'another change to the same record won the race; send the request again'),
    );
  }
  if (error instanceof EventIdConflict) {
    // The command id derives from the Idempotency-Key: a key reused, after its answer was forgotten, on another order.
    return mapped(
      problemDetails(
        422,
        error.code,
        'this Idempotency-Key was used for another request; use a new key for a new request',
      ),
    );
  }
  if (error instanceof OrderDomainError) {
    return mapped(
      problemDetails(ORDER_STATUS[error.code] ?? 422, error.code, error.message, undefined, detailsOf(error)),
    );
  }
  if (error instanceof ShopError) {
    const errors = error.problems.map((p) => ({ field: p.path ?? 'shop', message: p.message }));
    return mapped(problemDetails(SHOP_STATUS[error.code] ?? 422, error.code, error.message, errors));
  }
  if (error instanceof LengowError) {
    const status = LENGOW_STATUS[error.code] ?? 502;
    const retryAfter = (error as { retryAfterMs?: number | null }).retryAfterMs;
    const headers: Record<string, string> =
      typeof retryAfter === 'number' ? { 'Retry-After': String(Math.ceil(retryAfter / 1000)) } : {};
    return mapped(problemDetails(status, error.code, `Lengow: ${error.message}`), headers);
  }
  if (error instanceof EventStoreUnavailable) {
    return mapped(problemDetails(503, error.code, 'the event store cannot be reached; try again shortly'));
  }
  const client = clientErrorOf(error);
  if (client) {
    const known = client.code ? FASTIFY_CODES[client.code] : undefined;
    if (known) return mapped(problemDetails(client.statusCode, known.code, known.detail));
    return mapped(
      problemDetails(
        client.statusCode,
        STATUS_CODE_NAMES[client.statusCode] ?? 'BAD_REQUEST',
        client.message || 'bad request',
      ),
    );
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    const status = error.getStatus();
    return mapped(problemDetails(status, STATUS_CODE_NAMES[status] ?? 'BAD_REQUEST', error.message));
  }
  return {
    problem: problemDetails(
      500,
      'INTERNAL_ERROR',
      'the engine failed to answer this request; the error has been logged',
    ),
    headers: {},
    unexpected: true,
  };
}

function detailsOf(error: OrderDomainError): Record<string, unknown> {
  return error.details ? { details: error.details } : {};
}
