import type { ReasonCode } from './reason-codes';

export type RequestKind = 'erasure' | 'access';
export type RequestStatus = 'open' | 'completed';
export const REQUEST_STATUSES: readonly RequestStatus[] = ['open', 'completed'];

/** What identifies the person: exactly one of these, as the controller knows it (checked by `matchKind`). */
export interface SubjectMatch {
  customerRef?: string;
  email?: string;
  phone?: string;
}
export type MatchKind = 'customer_ref' | 'email' | 'phone';

/** A request as the register keeps it: what and when, never the identifiers it matched on. */
export interface RegisteredRequest {
  requestId: string;
  kind: RequestKind;
  controllerId: string;
  receivedAt: string;
  dueAt: string;
  completedAt: string | null;
  status: RequestStatus;
  reasonCode: ReasonCode | null;
  reference: string | null;
}

/**
 * When the answer is due: one calendar month after receipt (GDPR Art. 12(3)), in UTC. A day the
 * next month lacks falls on its last day (31 January -> 28 or 29 February), as PostgreSQL's
 * `+ interval '1 month'` does.
 */
export function dueAfterOneMonth(receivedAt: Date): Date {
  const year = receivedAt.getUTCFullYear();
  const month = receivedAt.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const due = new Date(receivedAt.getTime());
  due.setUTCDate(1);
  due.setUTCMonth(month);
  due.setUTCDate(Math.min(receivedAt.getUTCDate(), lastDay));
  return due;
}

/** The one identifier of a match and the blind index's kind for it; null unless exactly one is given. */
export function matchKind(match: SubjectMatch): { kind: MatchKind; value: string } | null {
  const given = (['customerRef', 'email', 'phone'] as const).filter((key) => match[key] !== undefined);
  if (given.length !== 1) return null;
  const key = given[0];
  return { kind: key === 'customerRef' ? 'customer_ref' : key, value: match[key]! };
}
