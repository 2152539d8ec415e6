import { describe, expect, it } from '@jest/globals';
import { confirmRefusal, holdRefusal, repeatRefusal, scopesOf } from './anonymization-rules';

describe('anonymization rules', () => {
  it.each([
    [null, 'standard', null],
    [null, 'full', null],
    ['standard', 'full', null],
    ['standard', 'standard', 'already-anonymized'],
    ['full', 'full', 'already-anonymized'],
    ['full', 'standard', 'already-anonymized'],
  ] as const)('after %s, %s is %s', (applied, requested, refused) => {
    expect(repeatRefusal('campaign', applied, requested)?.code ?? null).toBe(refused);
  });

  it('names the applied mode in a repeat, and a hold by its reason code', () => {
    expect(repeatRefusal('customer', 'full', 'standard')).toEqual({ code: 'already-anonymized', message: "the customer's full anonymization is already done", details: { mode: 'full' } });
    expect(holdRefusal(null)).toBeNull();
    expect(holdRefusal({ reasonCode: 'legal-obligation', holder: 'a customer of the campaign', customerId: 'c-1' })).toEqual({
      code: 'legal-hold',
      message: 'a customer of the campaign is under a legal hold (legal-obligation)',
      details: { reasonCode: 'legal-obligation', customerId: 'c-1' },
    });
  });

  it('takes the campaign name exactly, and refuses naming the field, never the value', () => {
    expect(confirmRefusal('Winter broadband', 'Winter broadband')).toBeNull();
    for (const typed of ['winter broadband', 'Winter broadband ', '']) {
      expect(confirmRefusal(typed, 'Winter broadband')).toEqual({ code: 'confirm-mismatch', message: 'confirm must equal the campaign name', field: 'confirm' });
    }
  });

  it('destroys content keys in standard mode, reference keys too in full', () => {
    expect(scopesOf('standard')).toEqual(['content']);
    expect(scopesOf('full')).toEqual(['content', 'reference']);
  });
});
