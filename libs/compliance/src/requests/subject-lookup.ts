import { BlindIndex, type IndexMatch, InvalidIdentifier } from '@app/crypto-shredding';
import { assertControllerScope, type Principal, ValidationProblem } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { matchKind, type SubjectMatch } from '../domain/data-subject-request';

const FIELD = { customer_ref: 'match.customerRef', email: 'match.email', phone: 'match.phone' } as const;

/**
 * A data subject's customers among one controller's, found through the blind index: customerRef as
 * given (trimmed), e-mail in any case, phone in any common format (E.164 after normalizing). The
 * identifier is hashed for the lookup and kept nowhere.
 */
@Injectable()
export class SubjectLookup {
  constructor(@Inject(BlindIndex) private readonly blindIndex: BlindIndex) {}

  /** 403 for a controller outside the token; 400 naming `match` (or its field) for anything but exactly one valid identifier. */
  check(principal: Principal, controllerId: string, match: SubjectMatch): void {
    assertControllerScope(principal, controllerId);
    const given = matchKind(match);
    if (!given) throw new ValidationProblem([{ field: 'match', message: 'match must name exactly one of customerRef, email, phone' }]);
    try {
      this.blindIndex.normalize(given.kind, given.value);
    } catch (error) {
      if (!(error instanceof InvalidIdentifier)) throw error;
      // The message names the field and the rule, never the value.
      throw new ValidationProblem([{ field: FIELD[given.kind], message: `${FIELD[given.kind]} is ${error.message}` }]);
    }
  }

  /** The matching customers, each once, in ascending campaign then customer id (the order locks are taken in). */
  async find(tx: EntityManager, controllerId: string, match: SubjectMatch): Promise<IndexMatch[]> {
    const given = matchKind(match)!;
    const found = await this.blindIndex.find(controllerId, given.kind, given.value, tx);
    const unique = new Map(found.map((m) => [m.customerId, m]));
    return [...unique.values()].sort((a, b) => a.campaignId.localeCompare(b.campaignId) || a.customerId.localeCompare(b.customerId));
  }
}
