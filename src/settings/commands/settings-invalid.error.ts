/** One field of a command payload that does not have the expected shape. */
export interface FieldFailure {
  /** Path in the payload, e.g. `shopCarrier.name`, `importableStatuses[1]`, `metadata.actor`. */
  readonly field: string;
  readonly message: string;
}

/**
 * A command payload of the wrong shape (a string where a number is expected, a missing field, an unknown field),
 * refused before the domain sees it. Range and business rules are the domain's: SettingsDomainError.
 */
export class SettingsInvalid extends Error {
  readonly code = 'SETTINGS_INVALID';
  /** The first failing field; `failures` lists them all. */
  readonly field: string;

  constructor(readonly failures: readonly [FieldFailure, ...FieldFailure[]]) {
    super(failures.map((failure) => failure.message).join('; '));
    this.name = 'SettingsInvalid';
    this.field = failures[0].field;
  }
}
