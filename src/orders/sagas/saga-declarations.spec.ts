import type { ICommand, IEvent } from '@nestjs/cqrs';
import { catchError, lastValueFrom, of, toArray } from 'rxjs';
import {
  DURABLE_SAGA_METADATA,
  type DurableSagaDeclaration,
  type DurableSagaFn,
} from '../../cqrs/durable-saga.decorator.js';
import { eventTypeOf, registeredEventClasses } from '../../cqrs/event-class-registry.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import '../events/order-event-classes.js';
import '../../settings/events/settings-event-classes.js';
import { LengowActionSagas } from './lengow-action-sagas.js';
import { MerchantOrderIdsSaga } from './merchant-order-ids-saga.js';
import { ShopChangeSagas } from './shop-change-sagas.js';
import { ShopOrderSagas } from './shop-order-sagas.js';

/**
 * The runner shows a saga only the event classes its `@DurableSaga(...)` names. A class its pipeline lets through but
 * the declaration forgets would never reach it — a reaction silently lost — so every registered class the declaration
 * leaves out is pushed through the real pipeline here: it must stop at `ofType`, before anything looks at the event.
 */
const sagaClasses = [ShopOrderSagas, MerchantOrderIdsSaga, ShopChangeSagas, LengowActionSagas];

describe('durable saga declarations', () => {
  const declarations = sagaClasses.flatMap((sagaClass) => {
    const declared: DurableSagaDeclaration[] = Reflect.getMetadata(DURABLE_SAGA_METADATA, sagaClass) ?? [];
    return declared.map((declaration) => ({ sagaClass, declaration }));
  });

  it('covers every saga of the order reactions, each with its event classes', () => {
    expect(declarations.length).toBeGreaterThanOrEqual(7);
    for (const { declaration } of declarations) expect(declaration.reactsTo.length).toBeGreaterThan(0);
  });

  it.each(
    declarations.map(
      ({ sagaClass, declaration }) => [`${sagaClass.name}.${String(declaration.key)}`, sagaClass, declaration] as const,
    ),
  )('%s lets through no event class it does not declare', async (_name, sagaClass, declaration) => {
    const saga = new (sagaClass as unknown as new () => Record<string | symbol, DurableSagaFn>)();
    const fn = saga[declaration.key];
    const declared = new Set(declaration.reactsTo.map((cls) => eventTypeOf(cls)));
    const reached: string[] = [];
    for (const [type, eventClass] of registeredEventClasses()) {
      if (declared.has(type)) continue;
      let touched = false;
      // Any read of the recorded event (data, stream, id…) means the pipeline got past `ofType`, which only looks
      // at the class.
      const recorded = new Proxy({ type } as RecordedEvent, {
        get(target, property) {
          touched = true;
          return property === 'data' || property === 'metadata' ? {} : Reflect.get(target, property);
        },
      });
      const event = new (eventClass as unknown as new (recorded: RecordedEvent) => IEvent)(recorded);
      touched = false;
      const emitted = await lastValueFrom(
        fn(of(event)).pipe(
          toArray(),
          catchError(() => of(['threw'])),
        ),
      );
      if (touched || (emitted as ICommand[]).length > 0) reached.push(type);
    }
    expect(reached).toEqual([]);
  });
});
