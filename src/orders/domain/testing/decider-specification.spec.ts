import type { Decider } from '../order-decider.js';
import { deciderSpecification } from './decider-specification.js';

type Event = { type: 'Added'; amount: number };
type Command = { type: 'Add'; amount: number };
class LimitReached extends Error {
  readonly code = 'LIMIT_REACHED';
}
const counter: Decider<Command, Event, number> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.amount,
  decide: (command, total) => {
    if (total + command.amount > 10) throw new LimitReached('limit');
    return command.amount === 0 ? [] : [{ type: 'Added', amount: command.amount }];
  },
};
const spec = deciderSpecification(counter);

describe('deciderSpecification', () => {
  it('passes when the expected events are produced and fails otherwise', () => {
    spec
      .given([])
      .when({ type: 'Add', amount: 2 })
      .then([{ type: 'Added', amount: 2 }]);
    expect(() =>
      spec
        .given([])
        .when({ type: 'Add', amount: 2 })
        .then([{ type: 'Added', amount: 3 }]),
    ).toThrow();
  });

  it('decides on the state folded from the given events', () => {
    spec
      .given([{ type: 'Added', amount: 9 }])
      .when({ type: 'Add', amount: 2 })
      .thenThrows('LIMIT_REACHED');
    expect(() => spec.given([]).when({ type: 'Add', amount: 2 }).thenThrows('LIMIT_REACHED')).toThrow(
      /expected an error/,
    );
  });

  it('checks the error code', () => {
    expect(() =>
      spec
        .given([{ type: 'Added', amount: 9 }])
        .when({ type: 'Add', amount: 2 })
        .thenThrows('OTHER'),
    ).toThrow(/OTHER/);
  });

  it('tells nothing happened from something happened', () => {
    spec.given([]).when({ type: 'Add', amount: 0 }).thenNothingHappened();
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenNothingHappened()).toThrow();
  });
});
