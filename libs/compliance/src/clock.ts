import { randomUUID } from 'node:crypto';

/** Injected wherever the compliance lib records a time (audit entries, attestations), so tests set it. */
export interface ComplianceClock {
  now(): Date;
}

export const COMPLIANCE_CLOCK = Symbol('COMPLIANCE_CLOCK');
export const systemClock: ComplianceClock = { now: () => new Date() };

/** Injected where the compliance lib makes ids (certificates), so tests can name them. */
export interface ComplianceIds {
  next(): string;
}

export const COMPLIANCE_IDS = Symbol('COMPLIANCE_IDS');
export const randomIds: ComplianceIds = { next: () => randomUUID() };
