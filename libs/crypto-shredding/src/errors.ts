/** Writes to a campaign whose keyspace was anonymized (or never opened) are refused. */
export class KeyspaceClosed extends Error {
  override readonly name = 'KeyspaceClosed';
  constructor(readonly campaignId: string, readonly status: string | null) {
    super(status ? `campaign keyspace ${campaignId} is ${status}` : `campaign keyspace ${campaignId} does not exist`);
  }
}

/** A write to a customer whose key was destroyed: the customer is anonymized. */
export class KeyDestroyed extends Error {
  override readonly name = 'KeyDestroyed';
  constructor(readonly keyId: string) {
    super(`data key ${keyId} has been destroyed`);
  }
}

/** A sealed blob that fails authentication or was presented in another context: tampering, never erasure. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
  constructor(readonly keyId: string, reason: string) {
    super(`sealed payload under key ${keyId} failed integrity checks: ${reason}`);
  }
}

/** The keyring lacks a KEK or index-key version this operation needs. */
export class KekUnavailable extends Error {
  override readonly name = 'KekUnavailable';
}

/** The keyring file is missing, unreadable or malformed. */
export class KeyringError extends Error {
  override readonly name = 'KeyringError';
}
