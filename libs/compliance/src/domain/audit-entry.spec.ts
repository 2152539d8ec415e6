import { describe, expect, it } from '@jest/globals';
import { type AuditEntryInput, checkedAuditInput } from './audit-entry';
import { InvalidComplianceRecord } from './compliance-record-error';

const valid: AuditEntryInput = {
  actor: 'officer-7',
  action: 'campaign.anonymized',
  scope: { controllerId: 'telco-no', campaignId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', mode: 'standard', customersAffected: 3, keysDestroyed: 6 },
  certificateId: '5d1c2b7e-0f55-4e8e-9a53-7c1f0e2d4b6a',
  reasonCode: 'data-subject-request',
  reference: 'JIRA:GDPR-17',
};

function refusal(input: AuditEntryInput): { field: string; message: string } {
  try {
    checkedAuditInput(input);
  } catch (error) {
    if (error instanceof InvalidComplianceRecord) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('audit entries hold ids, counts, actors and reason codes only', () => {
  it('accept ids and counts, and normalize absent optional values to null', () => {
    expect(checkedAuditInput(valid)).toEqual({ ...valid, scope: valid.scope });
    expect(checkedAuditInput({ actor: 'auth0|5f1c', action: 'keyring.rotated', scope: { rotationId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', kekVersions: [1, 2] } })).toEqual({
      actor: 'auth0|5f1c',
      action: 'keyring.rotated',
      scope: { rotationId: '0b6f3c1e-3f7a-4c55-9d1e-2a9b8c7d6e5f', kekVersions: [1, 2] },
      certificateId: null,
      reasonCode: null,
      reference: null,
    });
  });

  it.each([
    ['an e-mail as the actor', { actor: 'kari.nordmann@example.no' }, 'actor'],
    ['a name as the actor', { actor: 'Kari Nordmann' }, 'actor'],
    ['free text as the reference', { reference: 'called Kari Nordmann on +47 912 34 567' }, 'reference'],
    ['an unknown reason code', { reasonCode: 'because' }, 'reasonCode'],
    ['free text in the scope', { scope: { controllerId: 'telco-no', note: 'Kari Nordmann' } }, 'scope.note'],
    ['a phone number as a customer id', { scope: { customerIds: ['+4791234567'] } }, 'scope.customerIds[0]'],
    ['a name as a campaign id', { scope: { campaignId: 'Kari Nordmann' } }, 'scope.campaignId'],
    ['a nested object in the scope', { scope: { customer: { name: 'Kari' } } }, 'scope.customer'],
    ['a non-camelCase scope key', { scope: { 'kari@example.no': 1 } }, 'scope'],
    ['a sentence as the action', { action: 'anonymized Kari Nordmann' }, 'action'],
  ])('refuse %s, naming the field and never the value', (_, change, field) => {
    const { field: named, message } = refusal({ ...valid, ...change } as AuditEntryInput);
    expect(named).toBe(field);
    expect(message).not.toMatch(/Kari|example\.no|912|because|\+47/);
  });
});
