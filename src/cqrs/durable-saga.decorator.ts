import type { ICommand, IEvent } from '@nestjs/cqrs';
import type { Observable } from 'rxjs';

export const DURABLE_SAGA_METADATA = 'lengow-sync:durable-saga';

/** A saga: the stream of events in, the commands they call for out — the same shape as @nestjs/cqrs' `@Saga`. */
export type DurableSagaFn = (events$: Observable<IEvent>) => Observable<ICommand>;

/**
 * Marks a saga property. Unlike `@Saga`, which @nestjs/cqrs subscribes to its in-memory bus (a reaction in flight
 * during a crash is lost, and one thrown error ends the saga for good), these are driven by DurableSagaRunner from a
 * checkpointed subscription to the event store: each event's commands are awaited before the checkpoint moves, and an
 * event whose commands keep failing is parked with its reason while the saga carries on.
 */
export function DurableSaga(): PropertyDecorator {
  return (target, propertyKey) => {
    const keys: Array<string | symbol> = Reflect.getMetadata(DURABLE_SAGA_METADATA, target.constructor) ?? [];
    Reflect.defineMetadata(DURABLE_SAGA_METADATA, [...keys, propertyKey], target.constructor);
  };
}
