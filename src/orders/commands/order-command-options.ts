import type { ExecuteOptions } from './order-command-executor.js';

export interface OrderCommandOptionFailure {
  readonly field: string;
  readonly message: string;
}

/**
 * The options an operator's order command carries (the revision the caller's If-Match or `expectedRevision` named),
 * checked as the handlers check payloads: the bus command is public, so its fields are not trusted for their type.
 * `invalid` builds the handler's own validation error.
 */
export function orderCommandOptionsOf(
  options: unknown,
  invalid: (failure: OrderCommandOptionFailure) => Error,
): ExecuteOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalid({ field: 'options', message: 'options must be an object' });
  const { expectedRevision } = options as { expectedRevision?: unknown };
  if (expectedRevision === undefined) return {};
  if (typeof expectedRevision !== 'number' || !Number.isSafeInteger(expectedRevision) || expectedRevision < -1) {
    throw invalid({
      field: 'options.expectedRevision',
      message: 'options.expectedRevision must be an order stream revision (an integer from -1)',
    });
  }
  return { expectedRevision };
}
