/** One field of a command that does not have the expected shape. */
export interface ReactionCommandFieldFailure {
  /** Path in the command, e.g. `payload.trackingNumber`, `metadata.actor`, `idempotencyKey`. */
  readonly field: string;
  readonly message: string;
}

/** An operator or merchant command (re-send, ship, cancel, refund) refused before anything ran: wrong shape. */
export class ReactionCommandInvalid extends Error {
  readonly code = 'ORDER_COMMAND_INVALID';
  readonly transient = false;
  /** The first failing field; `failures` lists them all. */
  readonly field: string;

  constructor(readonly failures: readonly [ReactionCommandFieldFailure, ...ReactionCommandFieldFailure[]]) {
    super(failures.map((failure) => failure.message).join('; '));
    this.name = 'ReactionCommandInvalid';
    this.field = failures[0].field;
  }
}
