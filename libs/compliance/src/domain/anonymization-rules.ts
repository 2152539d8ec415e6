import type { ProblemSlug } from '@app/platform';
import type { ReasonCode } from './reason-codes';

export type AnonymizationMode = 'standard' | 'full';

/** What a refusal answers with: a type of the catalogue, a message that names fields and codes, never values. */
export interface Refusal {
  code: Extract<ProblemSlug, 'already-anonymized' | 'legal-hold' | 'confirm-mismatch'>;
  message: string;
  field?: string;
  /** Plain codes and ids the answer adds as problem members (a hold's `reasonCode`). */
  details?: Record<string, string>;
}

/** A hold in the way: its ground, and whose it is. */
export interface HoldInTheWay {
  reasonCode: ReasonCode;
  /** `the campaign`, `the customer`, `customer <id> of the campaign`. */
  holder: string;
  customerId?: string;
}

/** The key destruction a mode stands for: standard destroys content keys, full the reference keys too. */
export const scopesOf = (mode: AnonymizationMode): ('content' | 'reference')[] => (mode === 'standard' ? ['content'] : ['content', 'reference']);

/**
 * Whether a mode may run, from what the keys' tombstones say was applied (`applied`: null when
 * nothing, else the furthest mode done). Standard, then full; never a mode twice, never standard
 * after full. An interrupted request left nothing behind (one transaction), so it simply runs again.
 */
export function repeatRefusal(what: 'campaign' | 'customer', applied: AnonymizationMode | null, requested: AnonymizationMode): Refusal | null {
  if (applied === null) return null;
  if (applied === 'standard' && requested === 'full') return null;
  return { code: 'already-anonymized', message: `the ${what}'s ${applied} anonymization is already done`, details: { mode: applied } };
}

/** A legal hold refuses erasure and states its ground (Art. 17(3)(e)). */
export function holdRefusal(hold: HoldInTheWay | null): Refusal | null {
  if (!hold) return null;
  return {
    code: 'legal-hold',
    message: `${hold.holder} is under a legal hold (${hold.reasonCode})`,
    details: { reasonCode: hold.reasonCode, ...(hold.customerId ? { customerId: hold.customerId } : {}) },
  };
}

/** Typed confirmation of an irreversible command: `confirm` must be the campaign's name, exactly. */
export function confirmRefusal(confirm: string, campaignName: string): Refusal | null {
  return confirm === campaignName ? null : { code: 'confirm-mismatch', message: 'confirm must equal the campaign name', field: 'confirm' };
}
