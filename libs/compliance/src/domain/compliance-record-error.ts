/**
 * A value refused for the audit log or a certificate. The message names the field and the rule,
 * never the value: the value may be exactly the personal data that must not be written anywhere.
 */
export class InvalidComplianceRecord extends Error {
  override readonly name = 'InvalidComplianceRecord';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
