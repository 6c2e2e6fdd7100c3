import type { ICommand, IEvent } from '@nestjs/cqrs';
import type { Observable } from 'rxjs';
import type { RecordedDomainEventClass } from './recorded-domain-event.js';

export const DURABLE_SAGA_METADATA = 'lengow-sync:durable-saga';

/** A saga: the stream of events in, the commands they call for out — the same shape as @nestjs/cqrs' `@Saga`. */
export type DurableSagaFn = (events$: Observable<IEvent>) => Observable<ICommand>;

/** One `@DurableSaga` property and the event classes it declared (empty: it is shown every event). */
export interface DurableSagaDeclaration {
  readonly key: string | symbol;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any event data: the declaration names classes only
  readonly reactsTo: readonly RecordedDomainEventClass<any>[];
}

/**
 * Marks a saga property. Unlike `@Saga`, which @nestjs/cqrs subscribes to its in-memory bus (a reaction in flight
 * during a crash is lost, and one thrown error ends the saga for good), these are driven by DurableSagaRunner from a
 * checkpointed subscription to the event store: each event's commands are awaited before the checkpoint moves, and an
 * event whose commands keep failing is parked with its reason while the saga carries on.
 *
 * `reactsTo` names the event classes the saga's `ofType` lets through. Every event of the log otherwise goes through
 * every saga's pipeline (rehydrated, run through rxjs, found unwanted) — most of a saga consumer's work when it reacts
 * to one event type in five. With the classes declared, the runner hands a saga only those; when every saga of a class
 * declares them, its consumer skips the other events before doing anything. A spec checks each declaration against
 * what the pipeline really lets through, so the two cannot drift apart.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any event data: the declaration names classes only
export function DurableSaga(...reactsTo: RecordedDomainEventClass<any>[]): PropertyDecorator {
  return (target, propertyKey) => {
    const declared: DurableSagaDeclaration[] = Reflect.getMetadata(DURABLE_SAGA_METADATA, target.constructor) ?? [];
    Reflect.defineMetadata(DURABLE_SAGA_METADATA, [...declared, { key: propertyKey, reactsTo }], target.constructor);
  };
}
