/**
 * Codes the bus itself answers with. Domain refusals pass their own stable code through (`ORDER_NOT_FOUND`,
 * `NO_FAILED_ACTION`, `STALE_ORDER_REVISION`, `INVALID_SETTING`…), so a caller branches on `error.code` alone.
 */
export type BusErrorCode =
  'BAD_REQUEST' | 'VALIDATION_FAILED' | 'UNKNOWN_COMMAND' | 'COMMAND_ID_REUSED' | 'COMMAND_IN_PROGRESS' | 'INTERNAL';

export interface BusError {
  code: BusErrorCode | (string & {});
  message: string;
  details?: Record<string, unknown>;
}

/** The body of every reply on a command subject. */
export type CommandReply = (
  | {
      ok: true;
      /** The engine's id of the command (events carry it in `metadata.commandId`). */
      commandId: string;
      /** What the command's handler answered (for order commands: stream, revision, appended events, state). */
      result: unknown;
    }
  | { ok: false; error: BusError }
) & {
  /** The first answer to this `commandId`, sent again: the command did not run a second time. */
  replayed?: true;
};

/** One field of a request that does not have the expected shape, as `details.fields` lists them. */
export interface FieldProblem {
  /** Path in the request: `payload.importWindowDays`, `metadata.commandId`, `payload.retryPolicy.maxAttempts`. */
  field: string;
  message: string;
}

/** A request the bus refuses before any command runs. */
export class BusRequestError extends Error {
  constructor(
    readonly code: BusErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BusRequestError';
  }

  static validation(fields: readonly [FieldProblem, ...FieldProblem[]]): BusRequestError {
    return new BusRequestError('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.message}`).join('; '), {
      fields,
    });
  }
}
