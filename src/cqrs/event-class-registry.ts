import type { RecordedEvent } from '../event-store/event-store.port.js';
import { RecordedDomainEvent, type RecordedDomainEventClass } from './recorded-domain-event.js';

/** Events of a type no module registered (an integration event from a newer version…) still reach the bus. */
export class UnregisteredEvent extends RecordedDomainEvent {}

const classes = new Map<string, RecordedDomainEventClass<never>>();
const types = new Map<unknown, string>();

/**
 * Declares the class the bus uses for a stored event type. Classes are what `@EventsHandler` and `ofType` match on;
 * stored events are plain JSON, so they are turned back into these before they are published.
 */
export function defineEventClass<Data>(type: string): RecordedDomainEventClass<Data> {
  const existing = classes.get(type);
  if (existing) return existing as unknown as RecordedDomainEventClass<Data>;
  const named = { [type]: class extends RecordedDomainEvent<Data> {} }[type];
  classes.set(type, named as unknown as RecordedDomainEventClass<never>);
  types.set(named, type);
  return named;
}

/** The stored event type a class stands for; undefined for a class `defineEventClass` did not make. */
export function eventTypeOf(eventClass: unknown): string | undefined {
  return types.get(eventClass);
}

/** Every class defined so far, by stored type (for checks over all of them, e.g. saga declarations). */
export function registeredEventClasses(): ReadonlyMap<string, RecordedDomainEventClass<never>> {
  return classes;
}

export function rehydrate(recorded: RecordedEvent): RecordedDomainEvent {
  const eventClass = classes.get(recorded.type) ?? UnregisteredEvent;
  return new (eventClass as RecordedDomainEventClass)(recorded);
}
