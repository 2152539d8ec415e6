import { ForbiddenProblem } from '../http/problem';
import { coversController, type Principal } from './principal';

/** Throws 403 unless the token's `controllers` claim covers this controller. */
export function assertControllerScope(principal: Principal, controllerId: string): void {
  if (!coversController(principal, controllerId)) {
    throw new ForbiddenProblem('The token does not cover this controller.');
  }
}
