// Default ("min") metadata: possible-number checks by length per region, twice as fast as "max".
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

export type IdentifierKind = 'customer_ref' | 'email' | 'phone';

export class InvalidIdentifier extends Error {
  override readonly name = 'InvalidIdentifier';
  constructor(readonly kind: IdentifierKind) {
    super(`not a valid ${kind === 'customer_ref' ? 'customer reference' : kind === 'email' ? 'e-mail address' : 'phone number'}`);
  }
}

export const normalizeCustomerRef = (value: string): string => {
  const ref = value.trim();
  if (!ref) throw new InvalidIdentifier('customer_ref');
  return ref;
};

export const normalizeEmail = (value: string): string => {
  const email = value.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new InvalidIdentifier('email');
  return email;
};

/** E.164, so `0047 912 34 567`, `+47 91234567` and `91234567` (region NO) are one number. */
export const normalizePhone = (value: string, defaultRegion: CountryCode): string => {
  const parsed = parsePhoneNumberFromString(value.trim(), defaultRegion);
  if (!parsed || !parsed.isPossible()) throw new InvalidIdentifier('phone');
  return parsed.number;
};

export function normalizeIdentifier(kind: IdentifierKind, value: string, defaultRegion: CountryCode): string {
  switch (kind) {
    case 'customer_ref':
      return normalizeCustomerRef(value);
    case 'email':
      return normalizeEmail(value);
    case 'phone':
      return normalizePhone(value, defaultRegion);
    default: {
      const unknownKind: never = kind;
      throw new Error(`unknown identifier kind ${String(unknownKind)}`);
    }
  }
}
