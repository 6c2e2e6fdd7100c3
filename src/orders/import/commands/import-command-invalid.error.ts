/** One field of an import command that does not have the expected shape. */
export interface ImportCommandFieldFailure {
  /** Path in the command, e.g. `payload.days`, `metadata.actor`. */
  readonly field: string;
  readonly message: string;
}

/**
 * An operator import command refused before anything ran: a payload or metadata of the wrong shape, an unknown field,
 * or a window that makes no sense (`from` after `to`, `days` together with bounds).
 */
export class ImportCommandInvalid extends Error {
  readonly code = 'IMPORT_COMMAND_INVALID';
  readonly transient = false;
  /** The first failing field; `failures` lists them all. */
  readonly field: string;

  constructor(readonly failures: readonly [ImportCommandFieldFailure, ...ImportCommandFieldFailure[]]) {
    super(failures.map((failure) => failure.message).join('; '));
    this.name = 'ImportCommandInvalid';
    this.field = failures[0].field;
  }
}
