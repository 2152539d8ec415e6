import { type BlindIndex, type IdentifierKind, InvalidIdentifier } from '@app/crypto-shredding';
import { type FieldError, ValidationProblem } from '@app/platform';

export interface IdentifierInput {
  /** Request path of the value, e.g. `customers[17].phone`. */
  field: string;
  kind: IdentifierKind;
  value: string;
}

/**
 * E-mail and phone must normalize (E.164 with the configured default region); all failures in one
 * 400. Returns the normalized values by field, so they are computed once.
 */
export function assertIdentifiers(blindIndex: BlindIndex, inputs: IdentifierInput[]): Map<string, string> {
  const errors: FieldError[] = [];
  const normalized = new Map<string, string>();
  for (const input of inputs) {
    try {
      normalized.set(input.field, blindIndex.normalize(input.kind, input.value));
    } catch (error) {
      if (!(error instanceof InvalidIdentifier)) throw error;
      errors.push({ field: input.field, message: `${input.field} is ${error.message}` });
    }
  }
  if (errors.length > 0) throw new ValidationProblem(errors);
  return normalized;
}

/**
 * An interaction's phone (SMS, call) as stored: E.164 when it parses as a phone number (the
 * configured default region for numbers without a country code), else as given, because an SMS
 * sender may be an alphanumeric id ("Telenor") or a short code that is no phone number at all.
 */
export function e164OrAsGiven(blindIndex: BlindIndex, value: string): string {
  try {
    return blindIndex.normalize('phone', value);
  } catch (error) {
    if (error instanceof InvalidIdentifier) return value;
    throw error;
  }
}
