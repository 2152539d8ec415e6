import type { Decider } from './decider';
import { DomainError } from './domain-error';
import type { ControllerEvent } from './events';

export type RegisterController = { type: 'RegisterController'; controllerId: string; name: string; now: string };
export type ControllerState = { status: 'none' } | { status: 'registered'; name: string };

export const controllerDecider: Decider<RegisterController, ControllerEvent, ControllerState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (_state, event) => ({ status: 'registered', name: event.data.name }),
  decide: (command, state) => {
    if (state.status === 'registered') {
      throw new DomainError('conflict', 'controller-exists', `controller ${command.controllerId} is already registered`);
    }
    return [{ type: 'ControllerRegistered', data: { controllerId: command.controllerId, name: command.name, at: command.now } }];
  },
};
