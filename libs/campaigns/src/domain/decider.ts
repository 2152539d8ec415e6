/** A decider: pure functions over one stream (Emmett's shape). State never holds personal data. */
export interface Decider<Command, Event, State> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => Event[];
}

/** Folds events into state. */
export function fold<Event, State>(decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>, events: Event[]): State {
  return events.reduce(decider.evolve, decider.initialState());
}

/** Commands carry personal fields: the error names the case's type, never its content. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${String((value as { type?: unknown } | null)?.type ?? typeof value)}`);
}
