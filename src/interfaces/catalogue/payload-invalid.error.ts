/** One field of a command payload that does not have the expected shape. */
export interface PayloadFailure {
  /** Path in the payload, e.g. `shopCarrier.name`, `lines[1].quantity`; `payload` for the whole of it. */
  readonly field: string;
  readonly message: string;
}

/**
 * A command payload refused at the door (HTTP body, NATS message, CLI arguments) before any handler ran: wrong type,
 * missing or unknown field. Every door maps it to its own "bad request" shape.
 */
export class PayloadInvalid extends Error {
  readonly code = 'VALIDATION_FAILED';

  constructor(readonly failures: readonly [PayloadFailure, ...PayloadFailure[]]) {
    super(failures.map((failure) => failure.message).join('; '));
    this.name = 'PayloadInvalid';
  }
}
