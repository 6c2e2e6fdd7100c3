/** What the connector keeps of a transport's rejection. */
export interface NetworkFailure {
  /** A stable code for messages and logs (`ECONNRESET`, `UND_ERR_SOCKET`...), or the error's message if it has none. */
  code: string;
  /** The request cannot have reached the server, so even a non-idempotent POST may be sent again. */
  unsent: boolean;
  /** The code and error name only: the original object graph holds the request, headers (the token) included. */
  cause: Error;
}

/**
 * Failures that happen before a byte of the request is written: a refused connection, undici's connect timeout (the
 * TCP or TLS handshake never completed) and a failed DNS lookup.
 */
const UNSENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function networkFailure(error: unknown): NetworkFailure {
  const code = networkCode(error);
  const cause = new Error(code);
  cause.name = stringField(error, 'name') ?? 'Error';
  return { code, unsent: UNSENT_CODES.has(code), cause };
}

/**
 * undici's request API rejects with its own error (`code` set, e.g. `UND_ERR_SOCKET`) or the socket's errno error;
 * fetch wraps the same errors in a TypeError("fetch failed") as `cause`. The first string code along the chain
 * serves both.
 */
function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return stringField(error, 'message') ?? 'unknown error';
}

/** Read by shape, not `instanceof Error`: fetch's errors and DOMException may come from another realm (as under jest). */
function stringField(error: unknown, field: 'name' | 'message'): string | null {
  if (!error || typeof error !== 'object') return null;
  const value = (error as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}
