/** One failing input of a request: where it is (a body path, `query.limit`, a header) and what is wrong with it. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** RFC 9457 problem details as this API sends them (`application/problem+json`). */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** Stable machine-readable code (`ORDER_NOT_FOUND`, `VALIDATION_FAILED`…). */
  readonly code: string;
  readonly errors?: readonly FieldError[];
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `urn:lengow-sync:problem:order-not-found` for `ORDER_NOT_FOUND`: stable, and not pretending to be a web page. */
export function problemType(code: string): string {
  return `urn:lengow-sync:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * An HTTP-level refusal raised by this layer (missing key, bad header, idempotency mismatch…). The exception filter
 * turns it into problem details as is; domain errors are mapped there instead.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: { errors?: readonly FieldError[]; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}
