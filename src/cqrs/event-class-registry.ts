import type { RecordedEvent } from '../event-store/event-store.port.js';
import { RecordedDomainEvent, type RecordedDomainEventClass } from './recorded-domain-event.js';

/** Events of a type no module registered (an integration event from a newer version…) still reach the bus. */
export class UnregisteredEvent extends RecordedDomainEvent {}

const classes = new Map<string, RecordedDomainEventClass<never>>();

/**
 * Declares the class the bus uses for a stored event type. Classes are what `@EventsHandler` and `ofType` match on;
 * stored events are plain JSON, so they are turned back into these before they are published.
 */
export function defineEventClass<Data>(type: string): RecordedDomainEventClass<Data> {
  const existing = classes.get(type);
  if (existing) return existing as unknown as RecordedDomainEventClass<Data>;
  const named = { [type]: class extends RecordedDomainEvent<Data> {} }[type];
  classes.set(type, named as unknown as RecordedDomainEventClass<never>);
  return named;
}

export function rehydrate(recorded: RecordedEvent): RecordedDomainEvent {
  const eventClass = classes.get(recorded.type) ?? UnregisteredEvent;
  return new (eventClass as RecordedDomainEventClass)(recorded);
}
