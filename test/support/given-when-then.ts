import { expect } from '@jest/globals';

interface DeciderLike<Command, Event, State> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[];
}

/** given(past events).when(command).then(new events) | .thenRejects({kind, code, field}) */
export function deciderSpec<Command, Event, State>(decider: DeciderLike<Command, Event, State>) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: Event[]) => expect(run()).toEqual(expected),
        thenRejects: (error: { kind: string; code?: string; field?: string }) => {
          let thrown: unknown;
          try {
            run();
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toMatchObject({ name: 'DomainError', ...error });
        },
      };
    },
  });
}
