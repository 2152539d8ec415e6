import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { AuditEntryContent } from '../domain/audit-entry';

export const HASH_BYTES = 32;

/**
 * The chain link of an audit entry:
 *
 *   hash = SHA-256( prevHash || UTF-8( JCS({seq, at, actor, action, scope, certificateId, reasonCode, reference}) ) )
 *
 * where prevHash is the previous entry's 32-byte hash (nothing for seq 1), JCS is RFC 8785
 * canonical JSON, `seq` is a JSON number, `at` an ISO-8601 UTC string with milliseconds
 * (2026-12-03T10:15:00.000Z) and absent optional values are null (never left out). The
 * controller_id column is not hashed separately: it is scope.controllerId, and verify checks that.
 */
export function auditEntryHash(prevHash: Buffer | null, content: AuditEntryContent): Buffer {
  const { seq, at, actor, action, scope, certificateId, reasonCode, reference } = content;
  const canonical = canonicalJson({ seq, at, actor, action, scope, certificateId, reasonCode, reference });
  const hash = createHash('sha256');
  if (prevHash) hash.update(prevHash);
  return hash.update(canonical, 'utf8').digest();
}
