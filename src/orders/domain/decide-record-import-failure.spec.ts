import { orderEvent } from './order-events.js';
import { definition, NOW, orderFacts, snapshot } from './testing/order-fixtures.js';
import {
  historyOf,
  importedHistory,
  importFailure,
  importOrder,
  later,
  ORDER_KEY,
  spec,
} from './testing/order-scenario.js';

const policy = { initialDelaySeconds: 60, maxDelaySeconds: 300, maxAttempts: 3 };
const unavailable = [{ code: 'SHOP_UNAVAILABLE' as const, message: 'the shop did not answer' }];

describe('RecordImportFailure', () => {
  it('records a transient failure of the pending creation with its next attempt time', () => {
    spec
      .given(historyOf(importOrder()))
      .when(importFailure({ generation: 1, retryPolicy: policy }))
      .then([
        orderEvent('OrderImportFailed', {
          orderKey: ORDER_KEY,
          generation: 1,
          kind: 'transient',
          failures: unavailable,
          attempt: 1,
          nextAttemptAt: later(2),
          parked: false,
          configurationRevision: 'rev-1',
          marketplaceStatus: 'ToShip',
          lengowStatus: 'waiting_shipment',
          filledIn: [],
          facts: null,
          at: later(1),
        }),
      ]);
  });

  it('backs off exponentially and parks the order once the budget is spent', () => {
    const twice = historyOf(
      importOrder(),
      importFailure({ generation: 1, retryPolicy: policy }),
      importOrder({ now: later(2) }),
      importFailure({ generation: 1, retryPolicy: policy, now: later(3) }),
    );
    const secondFailure = twice[3];
    expect(
      secondFailure?.type === 'OrderImportFailed' && [secondFailure.data.attempt, secondFailure.data.nextAttemptAt],
    ).toEqual([2, later(5)]);
    spec
      .given(twice)
      .when(importOrder({ now: later(4) }))
      .thenNothingHappened();
    const [third] = spec
      .given(twice)
      .when(importOrder({ now: later(5) }))
      .events();
    expect(third?.type).toBe('OrderImportPlanned');
    const [parked] = spec
      .given([...twice, third!])
      .when(importFailure({ generation: 1, retryPolicy: policy, now: later(6) }))
      .events();
    expect(
      parked?.type === 'OrderImportFailed' && [parked.data.attempt, parked.data.parked, parked.data.nextAttemptAt],
    ).toEqual([3, true, null]);
  });

  it('does not retry a parked order on a poll', () => {
    const parkedAfterOne = historyOf(
      importOrder(),
      importFailure({ generation: 1, retryPolicy: { ...policy, maxAttempts: 1 } }),
    );
    spec
      .given(parkedAfterOne)
      .when(importOrder({ now: later(600) }))
      .thenNothingHappened();
  });

  it('records a failure that happened before anything was planned, on a new stream', () => {
    const [event] = spec
      .given([])
      .when(
        importFailure({
          kind: 'transient',
          failures: [{ code: 'LENGOW_UNAVAILABLE', message: 'Lengow API is unavailable' }],
        }),
      )
      .events();
    expect(event?.type === 'OrderImportFailed' && event.data).toMatchObject({
      orderKey: ORDER_KEY,
      generation: 1,
      attempt: 1,
      marketplaceStatus: null,
    });
  });

  it('ignores a repeated report of the same failure before the retry is due', () => {
    const history = historyOf(importFailure());
    spec
      .given(history)
      .when(importFailure({ now: later(1) }))
      .thenNothingHappened();
    expect(
      spec
        .given(history)
        .when(importFailure({ now: later(3) }))
        .events()
        .map((event) => event.type === 'OrderImportFailed' && event.data.attempt),
    ).toEqual([2]);
  });

  it('records a permanent refusal by the shop', () => {
    const [event] = spec
      .given(historyOf(importOrder()))
      .when(
        importFailure({
          generation: 1,
          kind: 'permanent',
          failures: [{ code: 'SHOP_ERROR', message: 'order could not be saved' }],
        }),
      )
      .events();
    expect(event?.type === 'OrderImportFailed' && event.data).toMatchObject({
      kind: 'permanent',
      nextAttemptAt: null,
      parked: false,
    });
  });

  it('refuses a failure for an imported order with nothing pending, a wrong generation, or no reason', () => {
    spec.given(importedHistory()).when(importFailure()).thenThrows('ORDER_ALREADY_IMPORTED');
    spec
      .given(historyOf(importOrder()))
      .when(importFailure({ generation: 2 }))
      .thenThrows('IMPORT_GENERATION_MISMATCH');
    spec
      .given([])
      .when(importFailure({ failures: [] }))
      .thenThrows('INVALID_COMMAND');
  });

  it('uses the command time', () => {
    const [event] = spec
      .given([])
      .when(importFailure({ now: '2024-05-02T12:00:00+02:00' }))
      .events();
    expect(event?.type === 'OrderImportFailed' && event.data.at).toBe(NOW);
  });

  describe('order facts', () => {
    const factsOf = (command: ReturnType<typeof importFailure>) => {
      const [event] = spec.given([]).when(command).events();
      return event?.type === 'OrderImportFailed' ? event.data.facts : 'no failure';
    };

    it('records the facts of the order the command brought, with the status the definition derives', () => {
      expect(factsOf(importFailure({ snapshot: snapshot(), definition: definition() }))).toEqual(orderFacts());
      expect(
        factsOf(importFailure({ snapshot: snapshot({ marketplaceStatus: 'Accepted' }), definition: definition() })),
      ).toEqual(orderFacts({ marketplaceStatus: 'Accepted', lengowStatus: 'accepted' }));
    });

    it("falls back to Lengow's own status without a definition", () => {
      expect(factsOf(importFailure({ snapshot: snapshot({ lengowStatus: 'accepted' }) }))).toEqual(
        orderFacts({ lengowStatus: 'accepted' }),
      );
    });

    it('records none without the order, or with the order of another stream', () => {
      expect(factsOf(importFailure())).toBeNull();
      expect(factsOf(importFailure({ snapshot: null }))).toBeNull();
      expect(factsOf(importFailure({ snapshot: snapshot({ marketplaceOrderId: 'OTHER-1' }) }))).toBeNull();
      expect(factsOf(importFailure({ snapshot: snapshot({ marketplace: '' }) }))).toBeNull();
      expect(factsOf(importFailure({ snapshot: snapshot({ marketplace: ' Demo_Market_FR ' }) }))).toEqual(orderFacts());
    });
  });
});
