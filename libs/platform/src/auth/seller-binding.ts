import { ForbiddenProblem } from '../http/problem';
import { hasAnyRole, type Principal, type Role } from './principal';

/** Write roles that may name any seller: a dialer backend, an administrator. */
const ANY_SELLER: readonly Role[] = ['service', 'admin'];

/**
 * A caller whose only write role is `seller` writes interactions as the seller of its token's
 * `sellerId` claim, so it cannot book calls or sales on another seller's commission. 403 otherwise.
 */
export function assertWritesAsSeller(principal: Principal, sellerId: string): void {
  if (hasAnyRole(principal, ANY_SELLER)) return;
  if (principal.sellerId === undefined) {
    throw new ForbiddenProblem('The token has no sellerId claim: a seller token needs one to write interactions.');
  }
  if (principal.sellerId !== sellerId) {
    throw new ForbiddenProblem('A seller token writes interactions only under the sellerId of its sellerId claim.');
  }
}
