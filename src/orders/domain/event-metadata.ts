/**
 * Metadata the wiring stores next to every order event (the event store's `metadata`). Types and pure helpers only:
 * ids come from the caller, never generated here.
 */
export type Actor = 'system' | `operator:${string}` | `api-key:${string}` | `saga:${string}` | `bus:${string}`;

/** An `Actor` as text: what the command doors accept and what a stored actor must be to be trusted. */
export const ACTOR_PATTERN = /^(system|(operator|api-key|saga|bus):\S.*)$/;
export const ACTOR_PATTERN_MESSAGE = 'must be system, operator:<name>, api-key:<id>, saga:<name> or bus:<client>';

export function isActor(value: string): value is Actor {
  return ACTOR_PATTERN.test(value);
}

export interface OrderEventMetadata {
  /** Id of the first message of the whole chain (the poll, the HTTP request…). */
  readonly correlationId: string;
  /** Id of the message (command or event) that directly caused this one. */
  readonly causationId: string;
  readonly actor: Actor;
}

export interface MessageIdentity {
  readonly id: string;
  /** The cause's own correlation id, when it has one. */
  readonly correlationId?: string | null;
}

/** Metadata for events caused by `cause`: same correlation as the cause (or the cause itself when it starts a chain). */
export function metadataCausedBy(cause: MessageIdentity, actor: Actor): OrderEventMetadata {
  return { correlationId: cause.correlationId ?? cause.id, causationId: cause.id, actor };
}
