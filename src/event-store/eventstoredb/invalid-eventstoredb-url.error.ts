/**
 * The EVENTSTOREDB_URL setting is not a connection string this adapter accepts. The message names the problem and
 * shows the string with its password masked, so it is safe to log.
 */
export class InvalidEventStoreDbUrl extends Error {
  readonly code = 'INVALID_EVENTSTOREDB_URL';

  constructor(
    /** The connection string with any password replaced by `***`. */
    readonly redactedUrl: string,
    readonly reason: string,
  ) {
    super(`invalid EventStoreDB connection string ${JSON.stringify(redactedUrl)}: ${reason}`);
    this.name = 'InvalidEventStoreDbUrl';
  }
}
