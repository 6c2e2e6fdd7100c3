import type { Actor } from '../domain/event-metadata.js';

/** Who sent a command and why; becomes the metadata of every event it appends. */
export interface CommandMetadata {
  /**
   * Identifies this command. Event ids are derived from it, so sending the same command twice (a retried request, a
   * redelivered saga event) appends nothing the second time.
   */
  readonly commandId: string;
  /** Id of the first message of the chain; defaults to the command id. */
  readonly correlationId?: string;
  /** The event or request that caused this command. */
  readonly causationId?: string;
  readonly actor: Actor;
}
