import type { IEvent } from '@nestjs/cqrs';
import type { EventMetadata, RecordedEvent } from '../event-store/event-store.port.js';

/**
 * An event as the EventBus carries it: a class instance (the bus routes by constructor) around the recorded event,
 * so handlers see the data and also where it sits in the log (id, stream, revision, position, metadata).
 */
export class RecordedDomainEvent<Data = Record<string, unknown>> implements IEvent {
  constructor(readonly recorded: RecordedEvent) {}

  get id(): string {
    return this.recorded.id;
  }
  get type(): string {
    return this.recorded.type;
  }
  get stream(): string {
    return this.recorded.stream;
  }
  get revision(): number {
    return this.recorded.revision;
  }
  get data(): Data {
    return this.recorded.data as Data;
  }
  get metadata(): EventMetadata {
    return this.recorded.metadata;
  }
}

export type RecordedDomainEventClass<Data = Record<string, unknown>> = new (
  recorded: RecordedEvent,
) => RecordedDomainEvent<Data>;
