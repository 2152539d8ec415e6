import { describe, it } from '@jest/globals';
import { deciderSpec } from '../../../../test/support/given-when-then';
import { controllerDecider } from './controller.decider';
import { sellerDecider } from './seller.decider';

const now = '2026-11-29T10:00:00.000Z';

describe('controller decider', () => {
  const given = deciderSpec(controllerDecider);
  const register = { type: 'RegisterController' as const, controllerId: 'c1', name: 'Telenor', now };

  it('registers a controller once', () => {
    given([]).when(register).then([{ type: 'ControllerRegistered', data: { controllerId: 'c1', name: 'Telenor', at: now } }]);
  });

  it('refuses a second registration of the same id', () => {
    given([{ type: 'ControllerRegistered', data: { controllerId: 'c1', name: 'Telenor', at: now } }]).when(register).thenRejects({ kind: 'conflict', code: 'controller-exists' });
  });
});

describe('seller decider', () => {
  const given = deciderSpec(sellerDecider);

  it("upserts a seller, the name sealed as staff personal data, again and again", () => {
    const upsert = { type: 'UpsertSeller' as const, sellerId: 's1', name: 'Ola Selger', now };
    const event = { type: 'SellerUpserted' as const, data: { sellerId: 's1', at: now }, personal: { name: 'Ola Selger' } };
    given([]).when(upsert).then([event]);
    given([event]).when({ ...upsert, name: 'Ola S.' }).then([{ ...event, personal: { name: 'Ola S.' } }]);
  });
});
