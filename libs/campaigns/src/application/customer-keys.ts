import { DataKeyStore, type KeyDescription } from '@app/crypto-shredding';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface Anonymization {
  mode: 'standard' | 'full';
  at: string;
  certificateId: string | null;
}

export interface CustomerKeyState {
  contentKeyId: string;
  referenceKeyId: string;
  /** Null while the content key lives. Standard: content key gone; full: reference key gone too. */
  anonymization: Anonymization | null;
}

/** A customer's keys, and what their tombstones say about its anonymization. */
@Injectable()
export class CustomerKeys {
  constructor(
    @Inject(DataKeyStore) private readonly keys: DataKeyStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async of(db: Pick<EntityManager, 'query'> | undefined, customerIds: string[]): Promise<Map<string, CustomerKeyState>> {
    const rows = await this.keys.describe(db ?? this.dataSource, customerIds);
    const bySubject = new Map<string, KeyDescription[]>();
    for (const row of rows) bySubject.set(row.subjectId, [...(bySubject.get(row.subjectId) ?? []), row]);
    const out = new Map<string, CustomerKeyState>();
    for (const [customerId, keys] of bySubject) {
      const content = keys.find((k) => k.scope === 'content');
      const reference = keys.find((k) => k.scope === 'reference');
      if (!content || !reference) continue;
      const gone = [content, reference].filter((k) => k.destroyedAt);
      out.set(customerId, {
        contentKeyId: content.keyId,
        referenceKeyId: reference.keyId,
        anonymization: content.destroyedAt
          ? {
              mode: reference.destroyedAt ? 'full' : 'standard',
              at: new Date(Math.max(...gone.map((k) => k.destroyedAt!.getTime()))).toISOString(),
              certificateId: (reference.destroyedAt ? reference.certificateId : content.certificateId) ?? content.certificateId,
            }
          : null,
      });
    }
    return out;
  }
}
