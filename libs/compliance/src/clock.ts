/** Injected wherever the compliance lib records a time (audit entries, attestations), so tests set it. */
export interface ComplianceClock {
  now(): Date;
}

export const COMPLIANCE_CLOCK = Symbol('COMPLIANCE_CLOCK');
export const systemClock: ComplianceClock = { now: () => new Date() };
