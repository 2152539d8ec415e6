import { ForbiddenProblem } from '../http/problem';
import { coversController, type Principal } from './principal';

/** A controller named in a request body: 403 unless the token's `controllers` claim covers it. */
export function assertControllerScope(principal: Principal, controllerId: string): void {
  if (!coversController(principal, controllerId)) {
    throw new ForbiddenProblem('The token does not cover this controller.');
  }
}

/**
 * A resource named by an id in the path, owned by `controllerId`: outside the token's controllers
 * it is unknown to the caller, so the route's own unknown-id error (`unknown`, its 404) is thrown.
 * A 403 would tell the caller that the id exists.
 */
export function assertPathInScope(principal: Principal, controllerId: string, unknown: () => Error): void {
  if (!coversController(principal, controllerId)) throw unknown();
}
