/**
 * Typed failures of the Lengow connector. Each has a stable `code` that HTTP and the bus map to their own shapes, and
 * `transient` says whether trying again later can help (the engine's retry-or-park decision). Messages never carry
 * the access token, the secret or the session token: the client builds them from route names, statuses and the API's
 * own message, and scrubs those too.
 */

export type LengowRoute = 'token' | 'orders' | 'moi' | 'actions' | 'marketplaces';

export abstract class LengowError extends Error {
  abstract readonly code: string;
  abstract readonly transient: boolean;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Credentials refused, or a fresh token refused again after one refresh. Needs an operator, not a retry. */
export class LengowAuthError extends LengowError {
  readonly code = 'LENGOW_AUTH';
  readonly transient = false;

  constructor(
    message: string,
    readonly route: LengowRoute,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** HTTP 429 that could not be waited out within the configured cap or attempts. */
export class LengowRateLimited extends LengowError {
  readonly code = 'LENGOW_RATE_LIMITED';
  readonly transient = true;

  constructor(
    message: string,
    readonly route: LengowRoute,
    /** What the server asked for, in milliseconds; null when it sent no usable `Retry-After`. */
    readonly retryAfterMs: number | null,
  ) {
    super(message);
  }
}

export type UnavailableCause = 'timeout' | 'network' | 'server_error';

/** 5xx, timeouts or connection failures that outlasted the retry budget. */
export class LengowUnavailable extends LengowError {
  readonly code = 'LENGOW_UNAVAILABLE';
  readonly transient = true;

  constructor(
    message: string,
    readonly route: LengowRoute,
    readonly reason: UnavailableCause,
    readonly attempts: number,
    /** HTTP status of the last attempt, when there was a response. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 4xx other than 401/403/429: the request itself is wrong, so repeating it cannot succeed. */
export class LengowRejected extends LengowError {
  readonly code = 'LENGOW_REJECTED';
  readonly transient = false;

  constructor(
    message: string,
    readonly route: LengowRoute,
    readonly status: number,
    /** `error.message` of the API envelope, when present. */
    readonly apiMessage: string | null,
  ) {
    super(message);
  }
}

/** The body is not JSON, or not the shape the route promises (no `results`, no token, no action id…). */
export class LengowMalformedResponse extends LengowError {
  readonly code = 'LENGOW_MALFORMED_RESPONSE';
  // A garbled answer is usually a proxy or deployment hiccup, so it is worth one more try later.
  readonly transient = true;

  constructor(
    message: string,
    readonly route: LengowRoute,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** moi answered `{"detail": "Pas trouvé."}`: Lengow does not know that (marketplace, order id). */
export class LengowOrderNotFound extends LengowError {
  readonly code = 'LENGOW_ORDER_NOT_FOUND';
  readonly transient = false;

  constructor(
    message: string,
    readonly marketplace: string,
    readonly marketplaceOrderId: string,
  ) {
    super(message);
  }
}

/** The marketplace code is absent from the definitions even after one refresh. */
export class LengowUnknownMarketplace extends LengowError {
  readonly code = 'LENGOW_UNKNOWN_MARKETPLACE';
  readonly transient = false;

  constructor(readonly marketplace: string) {
    super(`${marketplace} does not feature in the marketplace list`);
  }
}

/** The caller asked for something the API cannot be asked (page size over 100, half a one-order query…). */
export class LengowInvalidRequest extends LengowError {
  readonly code = 'LENGOW_INVALID_REQUEST';
  readonly transient = false;

  constructor(message: string) {
    super(message);
  }
}
