import type { RecordedDomainEvent } from '../../cqrs/recorded-domain-event.js';
import type { CommandMetadata } from '../commands/command-metadata.js';
import { deterministicId } from '../commands/order-event-ids.js';

/**
 * Metadata of a command a saga issues for an event: its id derives from the event id and the step, so a redelivered
 * event issues the very same command (and the executor appends nothing twice); it keeps the event's correlation.
 */
export function sagaMetadata(event: RecordedDomainEvent<unknown>, saga: string, step: string): CommandMetadata {
  return {
    commandId: deterministicId(`${saga}:${step}:${event.id}`),
    causationId: event.id,
    correlationId: event.metadata.correlationId ?? event.id,
    actor: `saga:${saga}`,
  };
}

/**
 * Metadata of the domain command that records what an integration command did. `variant` must name the outcome (and
 * anything else that differs between two legitimate recordings), because event ids derive from the command id: the
 * same id twice is taken for a retry and appends nothing.
 */
export function followUpMetadata(cause: CommandMetadata, variant: string): CommandMetadata {
  return {
    commandId: deterministicId(`${cause.commandId}:${variant}`),
    causationId: cause.causationId ?? cause.commandId,
    correlationId: cause.correlationId ?? cause.commandId,
    actor: cause.actor,
  };
}
