import assert from 'node:assert/strict';
import type { Decider } from '../order-decider.js';

/**
 * Given/when/then for deciders: given past events, when a command is decided on the state they fold into, then
 * exactly these events | nothing happened | a domain error with this code. Produced events are also folded back, so
 * every test checks that `evolve` accepts what `decide` emits. Test support only.
 */
export function deciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>) {
  const fold = (events: readonly Event[], from: State) => events.reduce(decider.evolve, from);

  return {
    given(history: readonly Event[]) {
      return {
        when(command: Command) {
          const run = (): Event[] => {
            const state = fold(history, decider.initialState());
            const produced = decider.decide(command, state);
            fold(produced, state);
            return produced;
          };
          return {
            then(expected: readonly Event[]): void {
              assert.deepStrictEqual(run(), expected);
            },
            thenNothingHappened(): void {
              assert.deepStrictEqual(run(), [], 'expected no events');
            },
            thenThrows(code: string): Error {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              assert.ok(caught instanceof Error, `expected an error with code ${code}, but the command was decided`);
              assert.equal(
                (caught as Error & { code?: unknown }).code,
                code,
                `expected error code ${code}: ${caught.message}`,
              );
              return caught;
            },
            /** The produced events, for assertions on a few fields of large events. */
            events(): Event[] {
              return run();
            },
          };
        },
      };
    },
  };
}
